"""Telling an organisation's administrators that one of its webhook endpoints was paused: an
e-mail to each, in their language. The endpoint's page says so too, whatever the mail does."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from organisations.models import Membership

from .models import WebhookEndpoint
from .permissions import organisation_administrators

logger = logging.getLogger(__name__)


def endpoint_paused_notify(*, endpoint: WebhookEndpoint) -> int:
    """E-mail the administrators; returns how many were written to. A mail server that is
    down loses only the e-mail: the pause is on the page."""
    memberships = Membership.objects.filter(
        organisation_administrators(),
        organisation_id=endpoint.organisation_id,
        user__is_active=True,
    ).select_related("user")
    link = settings.SITE_URL.rstrip("/") + reverse("webhooks:endpoint", args=[endpoint.pk])
    sent = 0
    for membership in memberships:
        person = membership.user
        if not person.email:
            continue
        with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
            subject = _("Webhook endpoint paused: %(url)s") % {"url": endpoint.url}
            text = _(
                "Deliveries to %(url)s have failed for %(hours)s hours, so Homecoming has "
                "paused the endpoint. Events are kept and sent once you resume it: %(link)s"
            ) % {"url": endpoint.url, "hours": settings.WEBHOOKS_PAUSE_AFTER_HOURS, "link": link}
        try:
            send_mail(subject, text, None, [person.email])
        except Exception:  # noqa: BLE001 - the page still shows the pause
            logger.exception("Could not e-mail the pause of webhook endpoint %s", endpoint.pk)
            continue
        sent += 1
    return sent
