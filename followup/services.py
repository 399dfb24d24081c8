"""Every write to follow-up visits and community resources; each runs in one transaction and
keeps the visit's reminder rows in step with its date and status."""

import calendar
import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import timeline
from cases.models import Case, CaseEvent, EventKind
from cases.permissions import active_membership, can_be_assigned_case, can_edit_case
from cases.services import case_assign, case_last_contact_refresh
from organisations.models import Commune, Province, User
from organisations.permissions import can_deactivate_person
from organisations.services import user_set_active
from webforms.versions import check_version

from .models import (
    VISIT_RECORD_FIELDS,
    CommunityResource,
    FollowUpVisit,
    Notification,
    Reminder,
    ReminderKind,
    VisitStatus,
)
from .permissions import can_add_community_resources
from .selectors import person_open_work
from .sending import reminders_send_due  # noqa: F401 - the sending service lives beside

REMINDER_HOUR = dt.time(7, 0)
UPCOMING_DAYS_BEFORE = 3
OVERDUE_DAYS_AFTER = 7


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reminder_due_times(scheduled_for: dt.date) -> dict[str, dt.datetime]:
    """When each reminder of a visit is due: in the morning, Cambodia time."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)

    def morning(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, REMINDER_HOUR, tzinfo=zone)

    return {
        ReminderKind.UPCOMING: morning(scheduled_for - dt.timedelta(days=UPCOMING_DAYS_BEFORE)),
        ReminderKind.DUE: morning(scheduled_for),
        ReminderKind.OVERDUE: morning(scheduled_for + dt.timedelta(days=OVERDUE_DAYS_AFTER)),
    }


def _new_reminders(visit: FollowUpVisit, now: dt.datetime) -> list[Reminder]:
    # A "coming up" reminder for a visit already upon us would only be noise.
    return [
        Reminder(visit=visit, kind=kind, due_at=due_at)
        for kind, due_at in reminder_due_times(visit.scheduled_for).items()
        if not (kind == ReminderKind.UPCOMING and due_at <= now)
    ]


def _reminders_sync(visit: FollowUpVisit) -> None:
    """After a move: unsent reminders take the new times; a sent one whose new time is still
    ahead is replaced, so the worker is reminded of the new date too."""
    now = timezone.now()
    wanted = {r.kind: r for r in _new_reminders(visit, now)}
    for reminder in visit.reminders.select_for_update():
        new = wanted.pop(reminder.kind, None)
        if new is None:
            if reminder.sent_at is None:
                reminder.delete()
        elif reminder.sent_at is None:
            Reminder.objects.filter(pk=reminder.pk).update(due_at=new.due_at, attempts=0)
        elif new.due_at > now:
            reminder.delete()
            wanted[reminder.kind] = new
    Reminder.objects.bulk_create(wanted.values())


def _reminders_end(visit: FollowUpVisit) -> None:
    visit.reminders.end()


def _event(visit: FollowUpVisit, actor: User | None, key: str, **values) -> None:
    CaseEvent.objects.create(
        case_id=visit.case_id,
        kind=EventKind.FOLLOW_UP,
        actor=actor,
        **timeline.message(key, **values),
    )


def _check_can_edit(actor: User, case: Case) -> None:
    if not can_edit_case(actor, case):
        raise PermissionDenied(_("You cannot plan or record follow-up on this case."))


def _validate_worker(case: Case, worker: User | None) -> None:
    if not can_be_assigned_case(worker, case.organisation):
        raise ValidationError(
            {"assigned_worker": _("Visits are assigned to a social worker of this organisation.")}
        )


def _person_for_visits(case: Case, user: User | None) -> User | None:
    """`user` if a person who can be sent to visit: an active social worker or supervisor of
    the case's organisation. An API key's service account is none, so visits it plans wait for
    a worker (the Team page lists the case) and their reminders go to the supervisors."""
    return user if user is not None and can_be_assigned_case(user, case.organisation) else None


# What the move and cancel forms act on, and what a record form shows and saves: a change to
# any of them since the form was opened makes the form stale (see webforms.versions).
VISIT_SCHEDULE_FIELDS = ("status", "scheduled_for")
VISIT_VERSION_FIELDS = ("status", "scheduled_for", "visited_on", *VISIT_RECORD_FIELDS, "resources")


def _locked(
    visit: FollowUpVisit, version: str | None = None, fields=VISIT_SCHEDULE_FIELDS
) -> FollowUpVisit:
    locked = FollowUpVisit.objects.select_for_update().select_related("case").get(pk=visit.pk)
    check_version(locked, version, fields)
    if locked.status != VisitStatus.PLANNED:
        raise ValidationError(_("Only a planned visit can be changed."))
    return locked


@transaction.atomic
def followup_schedule_create(
    *, actor: User | None, case: Case, start_on: dt.date | None = None
) -> list[FollowUpVisit]:
    """Plan the visits of the organisation's follow-up plan from `start_on` (today). A month of
    the plan that still has a planned visit is skipped, so re-entering reintegration repeats
    nothing."""
    start_on = start_on or timezone.localdate()
    worker = _person_for_visits(case, case.assigned_worker) or _person_for_visits(case, actor)
    planned = set(
        case.followup_visits.filter(
            status=VisitStatus.PLANNED, plan_month__isnull=False
        ).values_list("plan_month", flat=True)
    )
    months = sorted({int(m) for m in case.organisation.followup_plan_months} - planned)
    visits = FollowUpVisit.objects.bulk_create(
        [
            FollowUpVisit(
                case=case,
                scheduled_for=add_months(start_on, month),
                assigned_worker=worker,
                plan_month=month,
            )
            for month in months
        ]
    )
    now = timezone.now()
    Reminder.objects.bulk_create([r for visit in visits for r in _new_reminders(visit, now)])
    if visits:
        _event(visits[0], actor, "visits.planned", months=[str(m) for m in months])
    return visits


@transaction.atomic
def visit_add(
    *, actor: User, case: Case, scheduled_for: dt.date, assigned_worker: User | None = None
) -> FollowUpVisit:
    _check_can_edit(actor, case)
    if scheduled_for < timezone.localdate():
        raise ValidationError({"scheduled_for": _("A new visit cannot be planned in the past.")})
    worker = assigned_worker or case.assigned_worker or actor
    _validate_worker(case, worker)
    visit = FollowUpVisit.objects.create(
        case=case, scheduled_for=scheduled_for, assigned_worker=worker
    )
    Reminder.objects.bulk_create(_new_reminders(visit, timezone.now()))
    _event(visit, actor, "visit.planned", date=timeline.day(scheduled_for))
    return visit


@transaction.atomic
def visit_move(
    *,
    actor: User,
    visit: FollowUpVisit,
    scheduled_for: dt.date,
    reason: str,
    version: str | None = None,
) -> FollowUpVisit:
    _check_can_edit(actor, visit.case)
    visit = _locked(visit, version)
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Say why the visit is moved.")
    if scheduled_for < timezone.localdate():
        errors["scheduled_for"] = _("A visit cannot be moved into the past.")
    elif scheduled_for == visit.scheduled_for:
        errors["scheduled_for"] = _("Choose a different date.")
    if errors:
        raise ValidationError(errors)
    old = visit.scheduled_for
    visit.scheduled_for = scheduled_for
    visit.moved_reason = reason.strip()
    visit.save(update_fields=["scheduled_for", "moved_reason", "updated_at"])
    _reminders_sync(visit)
    _event(
        visit,
        actor,
        "visit.moved",
        old=timeline.day(old),
        new=timeline.day(scheduled_for),
        reason=reason.strip(),
    )
    return visit


@transaction.atomic
def visit_cancel(
    *, actor: User, visit: FollowUpVisit, reason: str, version: str | None = None
) -> FollowUpVisit:
    _check_can_edit(actor, visit.case)
    visit = _locked(visit, version)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the visit is cancelled.")})
    visit.status = VisitStatus.CANCELLED
    visit.cancel_reason = reason.strip()
    visit.save(update_fields=["status", "cancel_reason", "updated_at"])
    _reminders_end(visit)
    _event(
        visit,
        actor,
        "visit.cancelled",
        date=timeline.day(visit.scheduled_for),
        reason=visit.cancel_reason,
    )
    return visit


@transaction.atomic
def followup_schedule_shift(*, actor: User, case: Case, days: int) -> int:
    """Move a case's planned visits `days` earlier: for a case entered from paper records
    after the survivor had already returned, whose schedule must count from the real
    return date. Reminders follow the new dates."""
    _check_can_edit(actor, case)
    visits = list(
        FollowUpVisit.objects.select_for_update().filter(case=case, status=VisitStatus.PLANNED)
    )
    for visit in visits:
        visit.scheduled_for -= dt.timedelta(days=days)
        visit.save(update_fields=["scheduled_for", "updated_at"])
        _reminders_sync(visit)
    if visits:
        _event(visits[0], actor, "visits.counted_from_return", days=days)
    return len(visits)


@transaction.atomic
def visit_record(
    *,
    actor: User,
    visit: FollowUpVisit,
    visited_on: dt.date,
    resources: list[CommunityResource] | None = None,
    version: str | None = None,
    **fields,
) -> FollowUpVisit:
    """Record a visit that took place. When no other visit is planned and a next visit is
    given, plan it. `version` is the record form's: a visit recorded or moved by someone else
    since the form was opened is refused with what changed."""
    _check_can_edit(actor, visit.case)
    unknown = set(fields) - set(VISIT_RECORD_FIELDS)
    if unknown:
        raise TypeError(f"Unknown visit fields: {sorted(unknown)}")
    visit = _locked(visit, version, VISIT_VERSION_FIELDS)
    errors = {}
    today = timezone.localdate()
    if visited_on > today:
        errors["visited_on"] = _("The visit date is in the future.")
    elif visited_on < visit.case.intake_date:
        errors["visited_on"] = _("The visit date is before the case's intake.")
    for money in ("monthly_income_riel", "debts_riel"):
        if fields.get(money) is not None and fields[money] < 0:
            errors[money] = _("An amount cannot be negative.")
    next_visit_on = fields.get("next_visit_on")
    if next_visit_on is not None and next_visit_on <= visited_on:
        errors["next_visit_on"] = _("The next visit must come after this one.")
    if errors:
        raise ValidationError(errors)
    visit.status = VisitStatus.DONE
    visit.visited_on = visited_on
    for name, value in fields.items():
        setattr(visit, name, value)
    visit.full_clean(exclude=["case", "assigned_worker", "resources"])
    visit.save()
    case_last_contact_refresh(case_ids=[visit.case_id])
    if resources is not None:
        visit.resources.set(resources)
    _reminders_end(visit)
    _event(visit, actor, "visit.recorded", date=timeline.day(visited_on))
    others_planned = visit.case.followup_visits.filter(status=VisitStatus.PLANNED).exists()
    if next_visit_on is not None and next_visit_on >= today and not others_planned:
        visit_add(
            actor=actor,
            case=visit.case,
            scheduled_for=next_visit_on,
            assigned_worker=visit.assigned_worker,
        )
    return visit


@transaction.atomic
def visit_record_missed(*, actor: User, visit: FollowUpVisit, notes: str = "") -> FollowUpVisit:
    _check_can_edit(actor, visit.case)
    visit = _locked(visit)
    if visit.scheduled_for > timezone.localdate():
        raise ValidationError(_("A visit cannot be missed before its date."))
    visit.status = VisitStatus.MISSED
    visit.notes = notes.strip()
    visit.save(update_fields=["status", "notes", "updated_at"])
    _reminders_end(visit)
    _event(visit, actor, "visit.missed", date=timeline.day(visit.scheduled_for))
    return visit


@transaction.atomic
def followup_cancel_for_closed_case(*, actor: User | None, case: Case) -> int:
    """A closed case needs no more visits: cancel the planned ones and their reminders."""
    planned = case.followup_visits.filter(status=VisitStatus.PLANNED)
    Reminder.objects.filter(visit__in=planned).end()
    count = planned.update(
        status=VisitStatus.CANCELLED,
        cancel_reason=_("The case was closed."),
        updated_at=timezone.now(),
    )
    if count:
        CaseEvent.objects.create(
            case=case,
            kind=EventKind.FOLLOW_UP,
            actor=actor,
            **timeline.message("visits.cancelled_for_closed_case", count=count),
        )
    return count


@transaction.atomic
def community_resource_create(
    *,
    actor: User,
    kind: str,
    name: str,
    province: Province,
    commune: Commune | None = None,
    name_km: str = "",
    contact: str = "",
) -> CommunityResource:
    if not can_add_community_resources(actor):
        raise PermissionDenied(_("You cannot add to the directory."))
    membership = active_membership(actor)
    if commune is not None and commune.district.province_id != province.pk:
        raise ValidationError({"commune": _("This commune is not in the province chosen.")})
    resource = CommunityResource(
        kind=kind,
        name=name.strip(),
        name_km=name_km.strip(),
        contact=contact.strip(),
        organisation_id=membership.organisation_id,
        province=province,
        commune=commune,
    )
    resource.full_clean()
    resource.save()
    return resource


def notification_case_assigned(*, case: Case, worker: User, actor: User | None) -> None:
    """Tell a worker that a case is now theirs, in their language; nobody is told of their
    own doing. Names only the case number, as reminders do."""
    if actor is not None and actor.pk == worker.pk:
        return
    with translation.override(worker.preferred_language or settings.LANGUAGE_CODE):
        text = _("Case %(case)s is now assigned to you.") % {"case": case.case_number}
    Notification.objects.create(
        recipient=worker, text=text, url=reverse("cases:detail", args=[case.pk])
    )


@transaction.atomic
def person_deactivate(*, actor: User, person: User, successor: User | None = None) -> User:
    """Deactivate a person, handing their open cases and planned visits to one active worker
    of the same organisation first, in one transaction with a timeline entry on each case;
    their unsent reminders follow the visits. Refused while they carry work and no one is
    named to take it over."""
    if not can_deactivate_person(actor, person):
        raise PermissionDenied(_("Only this organisation's administrator deactivates its people."))
    cases, visits = person_open_work(person)
    cases, visits = list(cases.select_for_update()), list(visits.select_for_update(of=("self",)))
    if (cases or visits) and successor is None:
        raise ValidationError(
            {
                "successor": _(
                    "%(name)s still has open cases or planned visits: choose who takes them "
                    "over before deactivating them."
                )
                % {"name": _name(person)}
            }
        )
    if successor is not None and successor.pk == person.pk:
        raise ValidationError({"successor": _("Choose someone other than the person leaving.")})
    for case in cases:
        case_assign(actor=actor, case=case, worker=successor)
    for visit in visits:
        _validate_worker(visit.case, successor)
        visit.assigned_worker = successor
        visit.save(update_fields=["assigned_worker", "updated_at"])
        _event(
            visit,
            actor,
            "visit.handed_over",
            date=timeline.day(visit.scheduled_for),
            old=_name(person),
            new=_name(successor),
        )
    return user_set_active(actor=actor, user=person, active=False)


def _name(person: User) -> str:
    return person.get_full_name() or person.username
