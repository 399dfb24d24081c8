"""Sending the deliveries waiting in the outbox.

Each delivery is claimed alone (a conditional write under `SELECT … FOR UPDATE SKIP LOCKED`,
committed before the receiver is called), posted, then marked. Parallel runs share the work; a
run killed mid-call leaves its one row claimed, and once the claim lapses it is sent again with
the same webhook-id, which the receiver can drop. The receiver's 2xx ends a delivery; anything
else (another status, a timeout, a refused address) retries it later with a delay that doubles
each time. An endpoint whose deliveries have failed for 24 hours without a success is paused
and its organisation's administrators are told; nothing is sent to it until one resumes it."""

import datetime as dt
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ops.services import delete_in_batches

from . import signing, transport
from .models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from .notices import endpoint_paused_notify

logger = logging.getLogger(__name__)


@dataclass
class DeliveryRun:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    paused: int = 0


def retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … times WEBHOOKS_RETRY_SECONDS, at most WEBHOOKS_RETRY_MAX_SECONDS."""
    seconds = settings.WEBHOOKS_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, settings.WEBHOOKS_RETRY_MAX_SECONDS))


def _due(now: dt.datetime) -> Q:
    lease = dt.timedelta(seconds=settings.WEBHOOKS_CLAIM_SECONDS)
    return Q(endpoint__paused_at__isnull=True, endpoint__organisation__is_active=True) & (
        Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.SENDING, claimed_at__lte=timezone.now() - lease)
    )


def _claim(now: dt.datetime) -> WebhookDelivery | None:
    with transaction.atomic():
        claimed_at = timezone.now()
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(_due(now))
            .select_related("endpoint__organisation")
            .order_by("next_attempt_at", "pk")
            .first()
        )
        if delivery is None:
            return None
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SENDING, claimed_at=claimed_at, attempts=F("attempts") + 1
        )
    delivery.attempts += 1
    delivery.claimed_at = claimed_at
    return delivery


def _finish(delivery: WebhookDelivery, **values) -> bool:
    """Write the outcome only while the claim is still this run's."""
    return bool(
        WebhookDelivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_at=delivery.claimed_at
        ).update(**values)
    )


def _post(delivery: WebhookDelivery) -> transport.Answer:
    endpoint = delivery.endpoint
    body = signing.body(
        message_id=delivery.message_id,
        event=delivery.event,
        occurred_at=delivery.occurred_at,
        resource=delivery.resource,
        organisation=endpoint.organisation.slug,
    )
    headers = signing.headers(
        secret=endpoint.secret,
        message_id=delivery.message_id,
        timestamp=int(timezone.now().timestamp()),
        body=body,
    )
    return transport.post(endpoint.url, body=body, headers=headers)


def _succeeded(delivery: WebhookDelivery, answer: transport.Answer, run: DeliveryRun) -> None:
    now = timezone.now()
    _finish(
        delivery,
        status=DeliveryStatus.DELIVERED,
        delivered_at=now,
        last_attempt_at=now,
        last_response_code=answer.status,
        last_error="",
    )
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, failing_since__isnull=False).update(
        failing_since=None
    )
    run.delivered += 1


def _failed(delivery: WebhookDelivery, answer: transport.Answer, run: DeliveryRun) -> None:
    now = timezone.now()
    outcome = {
        "last_attempt_at": now,
        "last_response_code": answer.status,
        "last_error": answer.error[:300],
    }
    if delivery.attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
        _finish(delivery, status=DeliveryStatus.FAILED, **outcome)
        run.failed += 1
    else:
        _finish(
            delivery,
            status=DeliveryStatus.PENDING,
            next_attempt_at=now + retry_delay(delivery.attempts),
            **outcome,
        )
        run.retrying += 1
    logger.warning(
        "Webhook delivery %s to endpoint %s failed (attempt %s): %s",
        delivery.pk,
        delivery.endpoint_id,
        delivery.attempts,
        answer.error,
    )
    if _endpoint_failing(delivery.endpoint_id, now):
        run.paused += 1


def _endpoint_failing(endpoint_id: int, now: dt.datetime) -> bool:
    """Note the failure; pause the endpoint once it has failed for the set time. True when
    this call paused it (the conditional UPDATE makes that once only, whatever runs at once)."""
    WebhookEndpoint.objects.filter(pk=endpoint_id, failing_since__isnull=True).update(
        failing_since=now
    )
    limit = now - dt.timedelta(hours=settings.WEBHOOKS_PAUSE_AFTER_HOURS)
    paused = WebhookEndpoint.objects.filter(
        pk=endpoint_id, paused_at__isnull=True, failing_since__lte=limit
    ).update(paused_at=now)
    if paused:
        endpoint = WebhookEndpoint.objects.select_related("organisation").get(pk=endpoint_id)
        logger.warning("Webhook endpoint %s paused after failing since %s", endpoint_id, limit)
        endpoint_paused_notify(endpoint=endpoint)
    return bool(paused)


def deliveries_send_due(
    *, now: dt.datetime | None = None, limit: int = 1000, seconds: float = 25.0
) -> DeliveryRun:
    """Send the deliveries due at `now`, one claim at a time, for at most about `seconds`
    (under beat's period: what is left is the next run's)."""
    now = now or timezone.now()
    stop_at = time.monotonic() + seconds
    run = DeliveryRun()
    for _ in range(limit):
        if time.monotonic() > stop_at:
            break
        delivery = _claim(now)
        if delivery is None:
            break
        answer = _post(delivery)
        if answer.succeeded:
            _succeeded(delivery, answer, run)
        else:
            _failed(delivery, answer, run)
    return run


def deliveries_purge_old(*, now: dt.datetime | None = None, batch: int = 5_000) -> int:
    """Forget finished deliveries (delivered or given up) older than
    WEBHOOK_DELIVERIES_KEEP_DAYS: the endpoint page lists them and a failed one can be
    redelivered until then. Waiting ones are kept whatever their age."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.WEBHOOK_DELIVERIES_KEEP_DAYS)
    old = WebhookDelivery.objects.filter(
        status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.FAILED], occurred_at__lt=cutoff
    )
    return delete_in_batches(old, batch=batch)
