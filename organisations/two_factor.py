"""Two-factor sign-in with an authenticator app (TOTP) and single-use recovery codes."""

import base64

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _unconfirmed_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def two_factor_confirm(*, user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a new authenticator with its first code; returns fresh recovery codes."""
    if not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=c) for c in codes])
    return codes


def _qr_svg(device: TOTPDevice) -> str:
    svg = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    return svg


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/"


@login_required
def two_factor(request):
    user = request.user
    form = CodeForm(request.POST or None)
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if confirmed:
        if request.method == "POST" and form.is_valid():
            # A TOTP code counts once (the device remembers the last time step); a recovery
            # code is deleted when used.
            device = match_token(user, form.cleaned_data["code"].replace(" ", ""))
            if device is not None:
                otp_login(request, device)
                return redirect(_next(request))
            form.add_error("code", _("This code is not valid, or was already used."))
        return render(request, "registration/two_factor.html", {"form": form, "setup": False})

    device = _unconfirmed_device(user)
    if request.method == "POST" and form.is_valid():
        codes = two_factor_confirm(user=user, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            return render(
                request,
                "registration/recovery_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        form.add_error("code", _("This code is not valid. Check the time on your phone."))
    context = {
        "form": form,
        "setup": True,
        "qr": _qr_svg(device),
        "secret": base64.b32encode(device.bin_key).decode(),
    }
    return render(request, "registration/two_factor.html", context)
