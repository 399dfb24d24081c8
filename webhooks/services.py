"""Writes of webhook endpoints and deliveries by an organisation's administrator. Each runs
in one transaction and checks who acts first."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.models import Organisation, User
from webforms.versions import check_version

from .addresses import AddressRefused, resolve
from .models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint
from .permissions import can_manage_webhooks
from .signing import secret_generate

MAX_ENDPOINTS = 10


def _check(actor: User, organisation: Organisation) -> None:
    if not can_manage_webhooks(actor, organisation):
        raise PermissionDenied(_("Only this organisation's administrator manages its webhooks."))


def _validated_events(events: list[str]) -> list[str]:
    chosen = [value for value in Event.values if value in set(events)]
    if not chosen or len(chosen) != len(set(events)):
        raise ValidationError({"events": _("Choose at least one event from the list.")})
    return chosen


@transaction.atomic
def webhook_endpoint_create(
    *, actor: User, organisation: Organisation, url: str, events: list[str], description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret, which the administrator sees this once."""
    _check(actor, organisation)
    url = url.strip()
    errors = {}
    try:
        resolve(url)
    except AddressRefused as refusal:
        errors["url"] = str(refusal)
    try:
        events = _validated_events(events)
    except ValidationError as error:
        errors.update(error.message_dict)
    if organisation.webhook_endpoints.count() >= MAX_ENDPOINTS:
        errors["__all__"] = _("An organisation has at most %(count)s endpoints.") % {
            "count": MAX_ENDPOINTS
        }
    if errors:
        raise ValidationError(errors)
    secret = secret_generate()
    endpoint = WebhookEndpoint(
        organisation=organisation,
        url=url,
        events=events,
        description=description.strip(),
        secret=secret,
        created_by=actor,
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_update(
    *,
    actor: User,
    endpoint: WebhookEndpoint,
    url: str,
    events: list[str],
    description: str = "",
    version: str | None = None,
) -> WebhookEndpoint:
    """Change where and what is sent. Deliveries already waiting go to the new URL."""
    _check(actor, endpoint.organisation)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    check_version(endpoint, version, ("url", "description", "events"))
    url = url.strip()
    errors = {}
    try:
        resolve(url)
    except AddressRefused as refusal:
        errors["url"] = str(refusal)
    try:
        events = _validated_events(events)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    endpoint.url, endpoint.events, endpoint.description = url, events, description.strip()
    endpoint.full_clean()
    endpoint.save(update_fields=["url", "events", "description"])
    return endpoint


@transaction.atomic
def webhook_endpoint_rotate_secret(*, actor: User, endpoint: WebhookEndpoint) -> str:
    """A new secret, shown once; the old one signs nothing from now on."""
    _check(actor, endpoint.organisation)
    secret = secret_generate()
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.secret = secret
    endpoint.secret_rotated_at = timezone.now()
    endpoint.save(update_fields=["secret", "secret_rotated_at"])
    return secret


@transaction.atomic
def webhook_endpoint_pause(*, actor: User, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Hold deliveries (the receiver is down for maintenance); they wait, and go on resuming."""
    _check(actor, endpoint.organisation)
    WebhookEndpoint.objects.filter(pk=endpoint.pk, paused_at__isnull=True).update(
        paused_at=timezone.now()
    )
    return WebhookEndpoint.objects.get(pk=endpoint.pk)


@transaction.atomic
def webhook_endpoint_resume(*, actor: User, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Send again: the waiting deliveries go at the next run, and the 24 hours start afresh."""
    _check(actor, endpoint.organisation)
    now = timezone.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(paused_at=None, failing_since=None)
    WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).update(
        next_attempt_at=now
    )
    return WebhookEndpoint.objects.get(pk=endpoint.pk)


@transaction.atomic
def webhook_endpoint_remove(*, actor: User, endpoint: WebhookEndpoint) -> None:
    """Remove the endpoint and its deliveries: nothing more is sent to it."""
    _check(actor, endpoint.organisation)
    endpoint.delete()


@transaction.atomic
def webhook_delivery_redeliver(*, actor: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again at the next run, with the same id (a receiver may drop it if it
    had it). One more attempt for a delivery given up."""
    _check(actor, delivery.endpoint.organisation)
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status == DeliveryStatus.SENDING:
        raise ValidationError(_("This delivery is being sent right now."))
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "next_attempt_at"])
    return delivery
