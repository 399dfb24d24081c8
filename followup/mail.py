"""Sending the reminder e-mails recorded as pending deliveries.

Each delivery is claimed alone (a conditional write under `SELECT … FOR UPDATE SKIP LOCKED`,
committed before the mail server is called), sent, then marked sent. A crash between sending
and marking leaves that one row claimed; once its claim lapses it is sent again, so a fault
repeats at most the message in flight. A temporary failure (mail server down, a 4xx answer)
puts the delivery back with a delay that doubles each time; a 5xx answer for the address marks
it refused: never retried, never in anyone else's way, shown to the organisation's supervisors.
"""

import datetime as dt
import logging
import smtplib
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ops.services import delete_in_batches

from .models import DeliveryStatus, EmailDelivery

logger = logging.getLogger(__name__)

REMINDER_HEADER = "X-Homecoming-Reminder"


def _setting(name: str, default: float) -> float:
    return getattr(settings, name, default)


def retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … times FOLLOWUP_EMAIL_RETRY_SECONDS, at most FOLLOWUP_EMAIL_RETRY_MAX_SECONDS."""
    base = _setting("FOLLOWUP_EMAIL_RETRY_SECONDS", 60)
    ceiling = _setting("FOLLOWUP_EMAIL_RETRY_MAX_SECONDS", 6 * 3600)
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), ceiling))


class Outage(Exception):
    """The mail server cannot be reached or dropped the connection: stop this run."""


@dataclass
class MailRun:
    sent: int = 0
    refused: int = 0
    retrying: int = 0
    failed: int = 0
    outage: str = ""
    errors: list[str] = field(default_factory=list)


def _claim(now: dt.datetime) -> EmailDelivery | None:
    """The next delivery due at `now`, or one whose claim has lapsed. Claims are stamped and
    judged by the clock, not by `now`, which is when the run began."""
    lease = dt.timedelta(seconds=_setting("FOLLOWUP_EMAIL_CLAIM_SECONDS", 600))
    with transaction.atomic():
        claimed_at = timezone.now()
        delivery = (
            EmailDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
                | Q(status=DeliveryStatus.SENDING, claimed_at__lte=claimed_at - lease)
            )
            .select_related("reminder__visit__case", "recipient")
            .order_by("next_attempt_at", "pk")
            .first()
        )
        if delivery is None:
            return None
        EmailDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SENDING, claimed_at=claimed_at, attempts=F("attempts") + 1
        )
    delivery.attempts += 1
    delivery.claimed_at = claimed_at
    return delivery


def _anything_to_send(now: dt.datetime) -> bool:
    lease = dt.timedelta(seconds=_setting("FOLLOWUP_EMAIL_CLAIM_SECONDS", 600))
    return EmailDelivery.objects.filter(
        Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.SENDING, claimed_at__lte=timezone.now() - lease)
    ).exists()


def _finish(delivery: EmailDelivery, **values) -> None:
    """Write the outcome only while the claim is still this run's."""
    EmailDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_at=delivery.claimed_at
    ).update(**values)


def _message(delivery: EmailDelivery) -> EmailMessage:
    from .channels import reminder_text, reminder_url

    text = reminder_text(delivery.reminder, delivery.recipient)
    return EmailMessage(
        subject=text,
        body=text + "\n\n" + reminder_url(delivery.reminder),
        to=[delivery.address],
        headers={REMINDER_HEADER: str(delivery.reminder_id)},
    )


def _refusal_code(error: Exception) -> int | None:
    """The mail server's code for this message, when it answered one."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        return max(codes) if codes else None
    if isinstance(error, smtplib.SMTPSenderRefused):
        return None  # the sender is refused for every message: an outage, not this address
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code
    return None


def _is_outage(error: Exception) -> bool:
    """No answer about this message: the server is gone, or refuses us whoever we write to.
    (smtplib's errors are OSErrors too, hence the order.)"""
    if isinstance(
        error, smtplib.SMTPServerDisconnected | smtplib.SMTPSenderRefused | smtplib.SMTPConnectError
    ):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def _send_one(
    connection, delivery: EmailDelivery, now: dt.datetime, run: MailRun, pause: float
) -> None:
    try:
        connection.send_messages([_message(delivery)])
        if pause:
            time.sleep(pause)
    except Exception as error:  # noqa: BLE001 - any failure is sorted below
        reason = f"{type(error).__name__}: {error}"[:2000]
        code = _refusal_code(error)
        if _is_outage(error):
            _retry_later(delivery, now, run, reason)
            raise Outage(reason) from error
        if code is not None and 500 <= code < 600:
            _finish(delivery, status=DeliveryStatus.REFUSED, last_error=reason)
            run.refused += 1
            logger.warning("Reminder e-mail %s refused: %s", delivery.pk, reason)
        else:
            _retry_later(delivery, now, run, reason)
        return
    _finish(delivery, status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="")
    run.sent += 1


def _retry_later(delivery: EmailDelivery, now: dt.datetime, run: MailRun, reason: str) -> None:
    if delivery.attempts >= _setting("FOLLOWUP_EMAIL_MAX_ATTEMPTS", 12):
        _finish(delivery, status=DeliveryStatus.FAILED, last_error=reason[:2000])
        run.failed += 1
        logger.error("Reminder e-mail %s given up: %s", delivery.pk, reason)
        return
    _finish(
        delivery,
        status=DeliveryStatus.PENDING,
        next_attempt_at=now + retry_delay(delivery.attempts),
        last_error=reason[:2000],
    )
    run.retrying += 1
    logger.warning("Reminder e-mail %s will be retried: %s", delivery.pk, reason)


def email_deliveries_send(
    *, now: dt.datetime | None = None, limit: int = 10_000, pause: float = 0.0
) -> MailRun:
    """Send the pending reminder e-mails due at `now`, one claim at a time. `pause` holds each
    message between sending and marking it sent (for fault tests)."""
    now = now or timezone.now()
    run = MailRun()
    if not _anything_to_send(now):
        return run  # no mail server is called for nothing
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as error:  # noqa: BLE001 - nothing is claimed: the next run tries again
        run.outage = f"{type(error).__name__}: {error}"
        logger.warning("Mail server unreachable, reminder e-mails wait: %s", run.outage)
        return run
    try:
        for _ in range(limit):
            delivery = _claim(now)
            if delivery is None:
                break
            _send_one(connection, delivery, now, run, pause)
    except Outage as outage:
        run.outage = str(outage)
        logger.warning("Mail server lost, reminder e-mails wait: %s", outage)
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001, S110 - a dead connection has nothing left to close
            pass
    return run


def email_deliveries_purge_old(*, now: dt.datetime | None = None, batch: int = 5_000) -> int:
    """Forget finished reminder e-mails (sent, refused, given up, withdrawn) whose reminder
    fell due more than EMAIL_DELIVERIES_KEEP_DAYS ago. Supervisors see refused addresses of the
    last EMAIL_REFUSALS_SHOWN_DAYS (followup.selectors.refused_email_addresses), so the setting
    may not go below that. Waiting ones are kept whatever their age; the reminders themselves
    are kept, so nothing is sent again."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.EMAIL_DELIVERIES_KEEP_DAYS)
    old = EmailDelivery.objects.exclude(
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]
    ).filter(reminder__due_at__lt=cutoff)
    return delete_in_batches(old, batch=batch)
