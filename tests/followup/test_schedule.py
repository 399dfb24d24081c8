"""Entering reintegration plans the organisation's follow-up visits, once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import EventKind
from cases.services import case_change_phase
from followup import services
from followup.models import FollowUpVisit, Reminder, ReminderKind, VisitStatus
from tests.followup.factories import reintegrate
from tests.plans.factories import approved_plan, close_case

pytestmark = pytest.mark.django_db


def test_entering_reintegration_plans_the_visits_of_the_plan(owner, case):
    reintegrate(case, owner)
    visits = list(FollowUpVisit.objects.filter(case=case).order_by("scheduled_for"))
    today = timezone.localdate()
    assert [v.plan_month for v in visits] == [1, 3, 6, 12, 24]
    assert [v.scheduled_for for v in visits] == [
        services.add_months(today, m) for m in (1, 3, 6, 12, 24)
    ]
    assert {v.assigned_worker_id for v in visits} == {owner.pk}
    assert {v.status for v in visits} == {VisitStatus.PLANNED}
    assert Reminder.objects.filter(visit__case=case).count() == 15
    for visit in visits:
        due = services.reminder_due_times(visit.scheduled_for)
        assert {r.kind: r.due_at for r in visit.reminders.all()} == due
    assert case.events.filter(kind=EventKind.FOLLOW_UP).count() == 1


def test_re_entering_reintegration_plans_nothing_twice(owner, case):
    case = reintegrate(case, owner)
    case = case_change_phase(actor=owner, case=case, to_phase="reintegration_planning")
    case_change_phase(actor=owner, case=case, to_phase="reintegrated")
    assert FollowUpVisit.objects.filter(case=case).count() == 5
    assert Reminder.objects.filter(visit__case=case).count() == 15


def test_the_organisations_own_plan_is_used(owner, case, ngo):
    ngo.followup_plan_months = [2, 4]
    ngo.save()
    case.organisation.refresh_from_db()
    reintegrate(case, owner)
    assert sorted(case.followup_visits.values_list("plan_month", flat=True)) == [2, 4]


def test_closing_the_case_cancels_planned_visits(owner, supervisor, case):
    case = reintegrate(case, owner)
    close_case(case, requested_by=owner, approved_by=supervisor, reason="reintegration_completed")
    assert set(case.followup_visits.values_list("status", flat=True)) == {VisitStatus.CANCELLED}
    assert not Reminder.objects.filter(visit__case=case).exists()


def test_add_move_cancel_keep_reminders_in_step(owner, case):
    today = timezone.localdate()
    visit = services.visit_add(actor=owner, case=case, scheduled_for=today + dt.timedelta(days=10))
    assert visit.reminders.count() == 3
    new_day = today + dt.timedelta(days=20)
    with pytest.raises(ValidationError) as refused:
        services.visit_move(actor=owner, visit=visit, scheduled_for=new_day, reason=" ")
    assert "reason" in refused.value.error_dict
    services.visit_move(actor=owner, visit=visit, scheduled_for=new_day, reason="Rice harvest")
    visit.refresh_from_db()
    assert visit.scheduled_for == new_day and visit.moved_reason == "Rice harvest"
    assert {r.kind: r.due_at for r in visit.reminders.all()} == services.reminder_due_times(new_day)
    services.visit_cancel(actor=owner, visit=visit, reason="Family moved to Thailand")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED
    assert not visit.reminders.exists()
    with pytest.raises(ValidationError):
        services.visit_cancel(actor=owner, visit=visit, reason="again")


def test_a_visit_for_today_gets_no_stale_coming_up_reminder(owner, case):
    visit = services.visit_add(actor=owner, case=case, scheduled_for=timezone.localdate())
    assert set(visit.reminders.values_list("kind", flat=True)) == {
        ReminderKind.DUE,
        ReminderKind.OVERDUE,
    }


def test_only_those_who_edit_the_case_plan_visits(owner, outsider, case):
    with pytest.raises(PermissionDenied):
        services.visit_add(actor=outsider, case=case, scheduled_for=timezone.localdate())
    visit = services.visit_add(actor=owner, case=case, scheduled_for=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.visit_cancel(actor=outsider, visit=visit, reason="no")
    with pytest.raises(PermissionDenied):
        services.visit_move(
            actor=outsider, visit=visit, scheduled_for=timezone.localdate(), reason="no"
        )


def test_a_back_entered_case_counts_its_schedule_from_the_real_return(owner):
    import datetime as dt

    from django.utils import timezone

    from cases.services import case_change_phase
    from followup.models import FollowUpVisit, Reminder
    from followup.services import followup_schedule_shift
    from tests.cases.factories import CaseFactory

    case = CaseFactory(actor=owner, intake_date=timezone.localdate() - dt.timedelta(days=200))
    approved_plan(case, owner)
    for phase in ("intake", "reintegration_planning", "reintegrated"):
        case = case_change_phase(actor=owner, case=case, to_phase=phase)
    before = list(FollowUpVisit.objects.filter(case=case).values_list("scheduled_for", flat=True))
    assert followup_schedule_shift(actor=owner, case=case, days=100) == 5
    after = list(FollowUpVisit.objects.filter(case=case).values_list("scheduled_for", flat=True))
    assert [b - a for a, b in zip(after, before, strict=True)] == [dt.timedelta(days=100)] * 5
    first = FollowUpVisit.objects.filter(case=case).order_by("scheduled_for").first()
    # The first visit is now long past: no "coming up" reminder, a due and an overdue one.
    assert set(Reminder.objects.filter(visit=first).values_list("kind", flat=True)) == {
        "due",
        "overdue",
    }
