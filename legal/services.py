"""Writes of legal proceedings: authorise, check the rules, write, note it on the timeline.
The timeline says that something legal happened, never the charges, courts or notes: it is
read by everyone who sees the case."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import timeline
from cases.models import Case, CaseEvent, EventKind
from organisations.models import User

from .models import (
    Compensation,
    Hearing,
    LegalProceeding,
    ProtectionMeasure,
)
from .permissions import can_record_legal
from .reminders import hearing_reminders, hearing_reminders_end, hearing_reminders_move


def _check(actor: User, case: Case) -> None:
    if not can_record_legal(actor, case):
        raise PermissionDenied(_("You cannot record legal proceedings for this case."))


def _event(case: Case, actor: User, key: str, **values) -> None:
    CaseEvent.objects.create(
        case=case, kind=EventKind.UPDATED, actor=actor, **timeline.message(key, **values)
    )


def _proceeding_to_change(actor: User, proceeding: LegalProceeding) -> LegalProceeding:
    """The proceeding, if the actor may record under it, marked changed now: whatever is
    written under it is part of it as the API gives it, and a partner syncing with
    `updated_since` reads it again. Every service that writes under a proceeding starts
    here, inside its transaction, which takes the mark back if it fails."""
    proceeding = LegalProceeding.objects.select_related("case").get(pk=proceeding.pk)
    _check(actor, proceeding.case)
    LegalProceeding.objects.filter(pk=proceeding.pk).update(updated_at=timezone.now())
    return proceeding


@transaction.atomic
def legal_proceeding_create(
    *,
    actor: User,
    case: Case,
    kind: str,
    court: str,
    survivor_role: str,
    status: str = "filed",
    file_number: str = "",
    lawyer: str = "",
    charges: str = "",
) -> LegalProceeding:
    _check(actor, case)
    if not court.strip():
        raise ValidationError({"court": _("Name the court or authority.")})
    proceeding = LegalProceeding(
        case=case, kind=kind, court=court.strip(), survivor_role=survivor_role, status=status,
        file_number=file_number.strip(), lawyer=lawyer.strip(), charges=charges.strip(),
        created_by=actor,
    )  # fmt: skip
    proceeding.full_clean()
    proceeding.save()
    _event(case, actor, "legal.proceeding_added")
    return proceeding


@transaction.atomic
def hearing_schedule(
    *,
    actor: User,
    proceeding: LegalProceeding,
    date: dt.date,
    time: dt.time | None = None,
    court: str = "",
    purpose: str = "",
    accompanied_by: str = "",
    transport: str = "",
    testimony_arrangement: str = "",
) -> Hearing:
    proceeding = _proceeding_to_change(actor, proceeding)
    hearing = Hearing(
        proceeding=proceeding, date=date, time=time, court=court.strip() or proceeding.court,
        purpose=purpose.strip(), accompanied_by=accompanied_by.strip(),
        transport=transport.strip(), testimony_arrangement=testimony_arrangement,
        scheduled_by=actor,
    )  # fmt: skip
    hearing.full_clean()
    hearing.save()
    hearing_reminders(hearing, proceeding.case_id)
    _event(proceeding.case, actor, "legal.hearing_scheduled")
    return hearing


def _open_hearing(actor: User, hearing: Hearing) -> tuple[Hearing, LegalProceeding]:
    hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
    proceeding = _proceeding_to_change(actor, hearing.proceeding)
    if not hearing.is_open:
        raise ValidationError(_("This hearing was already recorded or cancelled."))
    return hearing, proceeding


@transaction.atomic
def hearing_move(
    *, actor: User, hearing: Hearing, date: dt.date, time: dt.time | None = None
) -> Hearing:
    """The court set a new day: the reminders follow it."""
    hearing, proceeding = _open_hearing(actor, hearing)
    if date < timezone.localdate():
        raise ValidationError({"date": _("A hearing cannot be moved to a day already past.")})
    hearing.date, hearing.time = date, time
    hearing.full_clean()
    hearing.save(update_fields=["date", "time", "updated_at"])
    hearing_reminders_move(hearing, proceeding.case_id)
    _event(proceeding.case, actor, "legal.hearing_moved")
    return hearing


@transaction.atomic
def hearing_cancel(*, actor: User, hearing: Hearing) -> Hearing:
    hearing, proceeding = _open_hearing(actor, hearing)
    hearing.cancelled_at = timezone.now()
    hearing.save(update_fields=["cancelled_at", "updated_at"])
    hearing_reminders_end(hearing)
    _event(proceeding.case, actor, "legal.hearing_cancelled")
    return hearing


@transaction.atomic
def hearing_record(
    *,
    actor: User,
    hearing: Hearing,
    attendance: str,
    outcome: str = "",
    accompanied_by: str | None = None,
    testimony_arrangement: str | None = None,
) -> Hearing:
    """What happened at a hearing: only once its day has come (Phnom Penh's day)."""
    hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
    proceeding = _proceeding_to_change(actor, hearing.proceeding)
    if hearing.cancelled_at is not None:
        raise ValidationError(_("This hearing was cancelled."))
    if hearing.date > timezone.localdate():
        not_yet = _("This hearing has not taken place yet: record it on or after its day.")
        raise ValidationError({"attendance": not_yet})
    if not attendance:
        raise ValidationError({"attendance": _("Say whether the survivor attended.")})
    hearing.attendance, hearing.outcome = attendance, outcome.strip()
    if accompanied_by is not None:
        hearing.accompanied_by = accompanied_by.strip()
    if testimony_arrangement is not None:
        hearing.testimony_arrangement = testimony_arrangement
    hearing.recorded_at = timezone.now()
    hearing.full_clean()
    hearing.save()
    hearing_reminders_end(hearing)
    _event(proceeding.case, actor, "legal.hearing_recorded")
    return hearing


@transaction.atomic
def protection_measure_add(
    *,
    actor: User,
    proceeding: LegalProceeding,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    notes: str = "",
) -> ProtectionMeasure:
    proceeding = _proceeding_to_change(actor, proceeding)
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end cannot come before the start.")})
    measure = ProtectionMeasure(
        proceeding=proceeding, kind=kind, starts_on=starts_on, ends_on=ends_on,
        notes=notes.strip(), recorded_by=actor,
    )  # fmt: skip
    measure.full_clean()
    measure.save()
    _event(proceeding.case, actor, "legal.protection_added")
    return measure


@transaction.atomic
def compensation_record(
    *,
    actor: User,
    proceeding: LegalProceeding,
    ordered_riel: int,
    ordered_on: dt.date,
    paid_riel: int = 0,
    paid_on: dt.date | None = None,
) -> Compensation:
    proceeding = _proceeding_to_change(actor, proceeding)
    if paid_riel > ordered_riel:
        raise ValidationError({"paid_riel": _("More cannot be paid than was ordered.")})
    if paid_riel and paid_on is None:
        raise ValidationError({"paid_on": _("Give the date of the payment.")})
    if paid_on is not None and paid_on < ordered_on:
        raise ValidationError({"paid_on": _("A payment cannot come before the order.")})
    compensation = Compensation(
        proceeding=proceeding, ordered_riel=ordered_riel, ordered_on=ordered_on,
        paid_riel=paid_riel, paid_on=paid_on, recorded_by=actor,
    )  # fmt: skip
    compensation.full_clean()
    compensation.save()
    _event(proceeding.case, actor, "legal.compensation_recorded")
    return compensation
