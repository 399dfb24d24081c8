"""The organisation administrator's API keys page: create (the key is shown once), list, revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cases.permissions import active_membership

from ..forms import ApiKeyForm
from ..permissions import can_manage_api_keys, second_factor_missing
from ..selectors import api_key_get_for_admin, api_keys_for
from ..services import api_key_create, api_key_revoke


def _administered_organisation(request):
    if second_factor_missing(request):
        raise Http404
    membership = active_membership(request.user)
    if membership is None or not can_manage_api_keys(request.user, membership.organisation):
        raise Http404
    return membership.organisation


@never_cache
@login_required
def key_list(request):
    organisation = _administered_organisation(request)
    form = ApiKeyForm(request.POST or None)
    plaintext = None
    if request.method == "POST" and form.is_valid():
        try:
            key, plaintext = api_key_create(
                actor=request.user,
                organisation=organisation,
                name=form.cleaned_data["name"],
                expires_at=form.expiry(timezone.now()),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form = ApiKeyForm()
    context = {
        "organisation": organisation,
        "keys": api_keys_for(request.user, organisation),
        "form": form,
        "plaintext": plaintext,
        "now": timezone.now(),
    }
    return render(request, "api/keys.html", context)


@login_required
@require_POST
def key_revoke(request, pk: int):
    _administered_organisation(request)
    key = api_key_get_for_admin(user=request.user, pk=pk)
    api_key_revoke(actor=request.user, key=key)
    messages.success(request, _("The key “%(name)s” was revoked.") % {"name": key.name})
    return redirect("api:keys")
