"""Sending due reminders. The database says what is due; each batch claims its rows with
`SELECT … FOR UPDATE SKIP LOCKED` and, in one transaction, writes the in-app notifications and
records one pending e-mail delivery per recipient, so parallel or repeated runs share the work
and a run killed part-way leaves its rows unsent for the next one. The e-mails are then sent one
claimed delivery at a time (followup.mail): nothing outside the database happens in a batch."""

import datetime as dt
import logging
import time
from collections import defaultdict

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from cases.models import Case, Phase
from cases.permissions import can_be_assigned_case
from organisations.models import Membership, User
from webhooks import emit as webhooks

from . import mail
from .channels import Channel, configured_channels
from .models import Reminder, ReminderKind, VisitStatus
from .permissions import told_of_overdue_visits

logger = logging.getLogger(__name__)

# A reminder a channel keeps refusing stops being tried after this many runs (see last_error).
MAX_ATTEMPTS = 5


def reminders_send_due(
    *,
    now: dt.datetime | None = None,
    batch_size: int = 200,
    pause_in_batch: float = 0.0,
    pause_per_email: float = 0.0,
) -> int:
    """Send every reminder due at `now`, then the e-mails waiting; returns how many reminders
    were sent. The pauses hold each batch open, and each e-mail between sending and marking,
    so that tests can kill a worker, a database or a broker at the worst moment."""
    now = now or timezone.now()
    channels = configured_channels()
    sent = 0
    failed: set[int] = set()
    while True:
        count, batch_failed = _send_batch(
            now=now, batch_size=batch_size, channels=channels, skip=failed, pause=pause_in_batch
        )
        if not count and not batch_failed:
            break
        sent += count
        failed |= batch_failed
    mail.email_deliveries_send(now=now, pause=pause_per_email)
    return sent


@transaction.atomic
def _send_batch(
    *, now: dt.datetime, batch_size: int, channels: list[Channel], skip: set[int], pause: float
) -> tuple[int, set[int]]:
    ids = list(
        Reminder.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            sent_at__isnull=True,
            due_at__lte=now,
            attempts__lt=MAX_ATTEMPTS,
        )
        .filter(
            Q(visit__status=VisitStatus.PLANNED)
            | Q(visit__isnull=True) & ~Q(case__phase=Phase.CLOSED)
        )
        .exclude(pk__in=skip)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    if not ids:
        return 0, set()
    Reminder.objects.filter(pk__in=ids).update(claimed_at=now, attempts=F("attempts") + 1)
    reminders = list(
        Reminder.objects.filter(pk__in=ids)
        .select_related(
            "visit__case__organisation",
            "visit__assigned_worker__membership__organisation",
            "case__organisation",
            "case__assigned_worker__membership__organisation",
        )
        .order_by("due_at", "pk")
    )
    recipients = _recipients(reminders)
    # A visit is overdue once, when its overdue reminder is first claimed, whatever the
    # channels then do: partners are told in this transaction.
    webhooks.visits_overdue(
        r.visit
        for r in reminders
        if r.kind == ReminderKind.OVERDUE and r.visit_id and r.attempts == 1
    )
    failed = set()
    for reminder in reminders:
        errors = []
        for channel in channels:
            try:
                # A savepoint, so one channel's failure leaves the batch usable.
                with transaction.atomic():
                    channel.send(reminder, recipients[reminder.pk])
            except Exception as error:  # noqa: BLE001 - a channel may fail in any way; retried
                logger.exception("Reminder %s: channel %s failed", reminder.pk, channel.name)
                errors.append(f"{channel.name}: {error}")
        if errors:
            failed.add(reminder.pk)
            Reminder.objects.filter(pk=reminder.pk).update(last_error="\n".join(errors)[:2000])
    if pause:
        time.sleep(pause)
    done = [pk for pk in ids if pk not in failed]
    Reminder.objects.filter(pk__in=done).update(sent_at=now, last_error="")
    return len(done), failed


def _recipients(reminders: list[Reminder]) -> dict[int, list[User]]:
    """The visit's worker; for an overdue visit (or one no person is assigned) also the
    supervisors of the case's organisation. An API key's service account is not a person and
    is never reminded."""
    escalated = [r for r in reminders if r.kind == ReminderKind.OVERDUE or not _worker(r)]
    supervisors: dict[int, list[User]] = defaultdict(list)
    if escalated:
        memberships = Membership.objects.filter(
            told_of_overdue_visits(),
            organisation_id__in={_case(r).organisation_id for r in escalated},
            user__is_active=True,
        ).select_related("user")
        for membership in memberships:
            supervisors[membership.organisation_id].append(membership.user)
    escalated_ids = {r.pk for r in escalated}
    result = {}
    for reminder in reminders:
        people = [_worker(reminder)] if _worker(reminder) else []
        if reminder.pk in escalated_ids:
            people += [
                user for user in supervisors[_case(reminder).organisation_id] if user not in people
            ]
        result[reminder.pk] = people
    return result


def _case(reminder: Reminder) -> Case:
    return reminder.visit.case if reminder.visit_id else reminder.case


def _worker(reminder: Reminder) -> User | None:
    """The visit's worker, or the case's for a plan action or review, if still someone cases
    may be assigned to (a person of the case's organisation; never an API key's account); a
    request waiting for a decision has none. Anyone else's reminder goes to the supervisors."""
    if reminder.visit_id:
        worker = reminder.visit.assigned_worker
    elif reminder.topic.startswith("approval:"):
        return None
    else:
        worker = reminder.case.assigned_worker
    if worker is None or not can_be_assigned_case(worker, _case(reminder).organisation):
        return None
    return worker
