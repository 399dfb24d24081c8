"""Create once per form: the claim of the form's token and the creation commit together."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import FormSubmission

KEEP_TOKENS = dt.timedelta(days=2)


@dataclass(frozen=True)
class Submitted:
    obj: Any
    url: str
    repeated: bool


@transaction.atomic
def submit_once(
    *, user, token: str, create: Callable[[], Any], url_for: Callable[[Any], str]
) -> Submitted:
    """Run `create` unless this token already created something; then return where it is.
    A second request with the same token waits for the first to commit (the unique index),
    and finds its result; if the first failed, the second runs."""
    if not token:
        obj = create()
        return Submitted(obj, url_for(obj), repeated=False)
    try:
        with transaction.atomic():
            claim = FormSubmission.objects.create(token=token, user=user)
    except IntegrityError:
        earlier = FormSubmission.objects.filter(token=token, user=user).first()
        if earlier is None or not earlier.result_url:
            raise ValidationError(
                _("This form was already sent. Reload the page to start again.")
            ) from None
        return Submitted(None, earlier.result_url, repeated=True)
    obj = create()
    claim.result_url = url_for(obj)
    claim.save(update_fields=["result_url"])
    FormSubmission.objects.filter(created_at__lt=timezone.now() - KEEP_TOKENS).delete()
    return Submitted(obj, claim.result_url, repeated=False)


def earlier_result(*, user, token: str) -> str | None:
    """Where a form with this token already led, if it was sent before and succeeded."""
    if not token:
        return None
    return (
        FormSubmission.objects.filter(token=token, user=user)
        .exclude(result_url="")
        .values_list("result_url", flat=True)
        .first()
    )


def show_earlier(request, url: str) -> HttpResponseRedirect:
    messages.info(request, _("This form was already sent; here is what it saved."))
    return HttpResponseRedirect(url)
