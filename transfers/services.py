"""Every write to a transfer; each runs in one transaction. A transfer is consent-gated like a
referral: the survivor's consent to share with the receiving organisation must cover every
kind of data, since the whole case moves. On acceptance the receiver owns the case and its
supervisor names who works on it; the sender reads what the grace period leaves it
(transfers.selectors), and the end of it is noted on the timeline by a periodic job."""

import datetime as dt
import json

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import timeline
from cases.models import Case, CaseEvent, EventKind, Phase
from cases.permissions import can_be_assigned_case
from cases.selectors import organisation_reads_case
from cases.snapshots import case_snapshot
from cases.snapshots import encoder as snapshot_encoder
from followup.models import FollowUpVisit, VisitStatus
from organisations.models import Organisation, User
from referrals.models import DataCategory
from referrals.services import consent_for_sharing
from webhooks import emit as webhooks

from .models import Transfer, TransferStatus
from .permissions import (
    can_answer_transfer,
    can_cancel_transfer,
    can_receive_transfers,
    can_request_transfer,
)


def _event(transfer: Transfer, actor: User | None, kind: str, key: str, **values) -> None:
    """On the case's timeline, naming the receiving organisation, never the reasons."""
    CaseEvent.objects.create(
        case_id=transfer.case_id,
        kind=kind,
        actor=actor,
        organisation_id=transfer.to_organisation_id,
        **timeline.message(key, organisation=transfer.to_organisation.name, **values),
    )


def _consent(case: Case, organisation: Organisation):
    consent, message = consent_for_sharing(
        case=case,
        organisation=organisation,
        categories=set(DataCategory.values),
        today=timezone.localdate(),
    )
    if consent is None:
        raise ValidationError({"to_organisation": message})
    return consent


def _locked(transfer: Transfer) -> Transfer:
    return (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("to_organisation", "from_organisation")
        .get(pk=transfer.pk)
    )


@transaction.atomic
def transfer_request(
    *, actor: User, case: Case, to_organisation: Organisation, reason: str
) -> Transfer:
    if not can_request_transfer(actor, case):
        raise PermissionDenied(_("Only a supervisor of the case's organisation transfers it."))
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Say why the case is transferred.")
    if to_organisation.pk == case.organisation_id:
        errors["to_organisation"] = _("Choose another organisation.")
    elif not can_receive_transfers(to_organisation):
        errors["to_organisation"] = _(
            "A case can be transferred only to an active NGO or international organisation."
        )
    if errors:
        raise ValidationError(errors)
    consent = _consent(case, to_organisation)
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                case=case, from_organisation_id=case.organisation_id,
                to_organisation=to_organisation, consent=consent, reason=reason.strip(),
                requested_by=actor, requested_at=timezone.now(),
            )  # fmt: skip
    except IntegrityError:
        raise ValidationError(
            _("This case already has a transfer waiting for an answer.")
        ) from None
    _event(transfer, actor, EventKind.UPDATED, "transfer.requested")
    webhooks.transfer_requested(transfer)
    return transfer


@transaction.atomic
def transfer_accept(*, actor: User, transfer: Transfer, assigned_worker: User) -> Transfer:
    """The receiver takes the case over; its supervisor names the worker."""
    transfer = _locked(transfer)
    if not can_answer_transfer(actor, transfer):
        raise PermissionDenied(_("Only a supervisor of the receiving organisation answers."))
    case = Case.objects.select_for_update().get(pk=transfer.case_id)
    if case.organisation_id != transfer.from_organisation_id or case.phase == Phase.CLOSED:
        raise ValidationError(_("This case can no longer be transferred: ask the sender."))
    # The consent may have been withdrawn or have expired since the request.
    transfer.consent = _consent(case, transfer.to_organisation)
    if not can_be_assigned_case(assigned_worker, transfer.to_organisation):
        raise ValidationError(
            {"assigned_worker": _("Choose a social worker of your organisation.")}
        )
    today = timezone.localdate()
    grace = settings.CASE_TRANSFER_SENDER_GRACE_DAYS
    case.organisation_id = transfer.to_organisation_id
    case.assigned_worker = assigned_worker
    case.save(update_fields=["organisation", "assigned_worker", "updated_at"])
    # The visits still to make go to the new worker, and so do their reminders.
    FollowUpVisit.objects.filter(case=case, status=VisitStatus.PLANNED).update(
        assigned_worker=assigned_worker
    )
    worker = assigned_worker.get_full_name() or assigned_worker.username
    _event(transfer, actor, EventKind.ASSIGNED, "transfer.accepted", worker=worker)
    # Answered last: the sender reads the case as it stands now, the handover included, and
    # nothing written after this moment (transfers.selectors).
    transfer.status = TransferStatus.ACCEPTED
    transfer.answered_by, transfer.answered_at = actor, timezone.now()
    transfer.sender_access_ends_on = today + dt.timedelta(days=grace)
    transfer.sender_snapshot = json.dumps(
        case_snapshot(case, case.exploitations.order_by("id")), cls=snapshot_encoder
    )
    transfer.save()
    webhooks.transfer_accepted(transfer)
    if grace == 0:
        _sender_access_end(transfer, actor)
    from followup.services import notification_case_assigned

    notification_case_assigned(case=case, worker=assigned_worker, actor=actor)
    return transfer


@transaction.atomic
def transfer_decline(*, actor: User, transfer: Transfer, reason: str) -> Transfer:
    transfer = _locked(transfer)
    if not can_answer_transfer(actor, transfer):
        raise PermissionDenied(_("Only a supervisor of the receiving organisation answers."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the transfer is declined.")})
    transfer.status = TransferStatus.DECLINED
    transfer.answered_by, transfer.answered_at = actor, timezone.now()
    transfer.decline_reason = reason.strip()
    transfer.save()
    _event(transfer, actor, EventKind.UPDATED, "transfer.declined")
    webhooks.transfer_declined(transfer)
    return transfer


@transaction.atomic
def transfer_cancel(*, actor: User, transfer: Transfer) -> Transfer:
    transfer = _locked(transfer)
    if not can_cancel_transfer(actor, transfer):
        raise PermissionDenied(_("Only a supervisor of the sending organisation cancels."))
    transfer.status = TransferStatus.CANCELLED
    transfer.save(update_fields=["status"])
    _event(transfer, actor, EventKind.UPDATED, "transfer.cancelled")
    webhooks.transfer_cancelled(transfer)
    return transfer


def _sender_access_end(
    transfer: Transfer, actor: User | None, today: dt.date | None = None
) -> bool:
    """Stamp the end of the sender's access once (a conditional UPDATE claims it) and note it
    for the sender's partner systems (the API's tombstones), unless the sender still reads
    the case: its own again, handed over again later, or shared with it by a referral."""
    claimed = Transfer.objects.filter(pk=transfer.pk, sender_access_revoked_at__isnull=True).update(
        sender_access_revoked_at=timezone.now()
    )
    if claimed and organisation_reads_case(transfer.from_organisation, transfer.case_id, today):
        return False
    if claimed:
        CaseEvent.objects.create(
            case_id=transfer.case_id, kind=EventKind.ACCESS_REVOKED, actor=actor,
            organisation_id=transfer.from_organisation_id,
            **timeline.message(
                "transfer.sender_access_ended", organisation=transfer.from_organisation.name
            ),
        )  # fmt: skip
        webhooks.transfer_sender_access_ended(transfer)
    return bool(claimed)


@transaction.atomic
def transfer_sender_access_expire_due(*, today: dt.date | None = None) -> int:
    """Note the end of every grace period that is over. Access itself ends by the dates, at
    read time (transfers.selectors); this only tells the timeline and the tombstones.
    Idempotent: each row is claimed once, a locked row is left to the run that holds it."""
    today = today or timezone.localdate()
    due = (
        Transfer.objects.filter(
            status=TransferStatus.ACCEPTED,
            sender_access_revoked_at__isnull=True,
            sender_access_ends_on__lte=today,
        )
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("from_organisation")
        .order_by("pk")
    )
    return sum(_sender_access_end(transfer, None, today) for transfer in due)
