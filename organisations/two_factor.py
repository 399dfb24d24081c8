"""Two-factor sign-in with an authenticator app (TOTP) and single-use recovery codes.

Enrolling an authenticator needs more than the password: the one-time link a person gets from
their administrator (at invitation, or after a reset). Choosing the password from that link
signs them in and marks the session as allowed to enrol; a person with only the password and no
authenticator is told to ask their administrator for a new link."""

import base64

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
# The session of a person who came through their one-time link: holds their id.
ENROLMENT_ALLOWED = "two_factor_enrolment"


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

    if request.session.get(ENROLMENT_ALLOWED) != user.pk:
        return render(request, "registration/two_factor_ask_administrator.html", status=403)
    device = _unconfirmed_device(user)
    if request.method == "POST" and form.is_valid():
        codes = two_factor_confirm(user=user, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            request.session.pop(ENROLMENT_ALLOWED, None)
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


class SignInLinkView(auth_views.PasswordResetConfirmView):
    """The one-time link from an invitation or an administrator's reset: the person chooses
    their password, is signed in, and may enrol their authenticator in this session only."""

    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session[ENROLMENT_ALLOWED] = form.user.pk
        return response

    def get_success_url(self) -> str:
        if settings.REQUIRE_TWO_FACTOR:
            return reverse("two-factor")
        return reverse(settings.LOGIN_REDIRECT_URL)
