"""The demo's case timelines read as the cases went: each line at the moment of what it
records, in office hours in Phnom Penh, in the order it happened, and none after the seed ran.

Read from the package's seed (conftest.py), run on a clock stopped at 00:20 in Phnom Penh,
when the seed's own day has barely begun: what happened that day still happened before the
seed ran."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case, EventKind, Phase
from followup.services import add_months
from plans.models import Approval, ApprovalKind
from plans.work import NEW_ASSIGNMENT_DAYS
from tests.demo.conftest import SEEDED_AT

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("seed_demo")]

SEED_DAY = SEEDED_AT.date()
OFFICE_HOURS = (dt.time(8), dt.time(16))
WORKERS_LINES = (EventKind.CONSENT_RECORDED, EventKind.SESSION_LOGGED)


def cases():
    return Case.objects.order_by("pk").prefetch_related(
        "events__actor", "counselling_sessions", "followup_visits"
    )


def oldest_first(case: Case) -> list:
    """The case page's timeline, newest first, read from its beginning."""
    return list(case.events.all())[::-1]


def day_of(event) -> dt.date:
    return timezone.localdate(event.occurred_at)


def in_office_hours(event) -> bool:
    return OFFICE_HOURS[0] <= timezone.localtime(event.occurred_at).time() < OFFICE_HOURS[1]


def is_phase_move(event, to_phase: str | None = None) -> bool:
    return event.kind == EventKind.PHASE_CHANGED and to_phase in (None, event.to_phase)


def test_no_line_is_later_than_the_seeds_now(seeded):
    moments = [event.occurred_at for case in cases() for event in case.events.all()]
    assert moments
    assert max(moments) <= SEEDED_AT


def test_each_timeline_begins_with_the_registration_on_the_intake_date(seeded):
    for case in cases():
        first = oldest_first(case)[0]
        assert first.kind == EventKind.CREATED, case.case_number
        assert day_of(first) == case.intake_date, case.case_number
        assert day_of(first) == SEED_DAY or in_office_hours(first), first.occurred_at


def test_a_case_was_created_and_last_changed_when_its_timeline_says(seeded):
    """As lists ordered by change and partners syncing changes read it."""
    for case in cases():
        lines = oldest_first(case)
        assert case.created_at == lines[0].occurred_at, case.case_number
        assert case.updated_at == max(line.occurred_at for line in lines), case.case_number


def test_sessions_and_visits_are_on_the_timeline_on_their_own_days(seeded):
    checked = {"sessions": 0, "visits": 0}
    for case in cases():
        lines = oldest_first(case)
        sessions = sorted(session.session_date for session in case.counselling_sessions.all())
        logged = [line for line in lines if line.kind == EventKind.SESSION_LOGGED]
        assert sorted(map(day_of, logged)) == sessions, case.case_number
        visits = case.followup_visits.all()
        done = sorted(visit.visited_on for visit in visits if visit.status == "done")
        recorded = [line for line in lines if line.message == "visit.recorded"]
        assert sorted(map(day_of, recorded)) == done, case.case_number
        missed = sorted(visit.scheduled_for for visit in visits if visit.status == "missed")
        noted = [line for line in lines if line.message == "visit.missed"]
        assert sorted(map(day_of, noted)) == missed, case.case_number
        for line in [*logged, *recorded, *noted]:
            assert day_of(line) == SEED_DAY or in_office_hours(line), line.occurred_at
        checked["sessions"] += len(sessions)
        checked["visits"] += len(done)
    assert checked["sessions"] > 100 and checked["visits"] > 20, checked


def test_a_case_worked_on_over_days_has_its_lines_over_those_days(seeded):
    for case in cases():
        session_days = {session.session_date for session in case.counselling_sessions.all()}
        line_days = {day_of(line) for line in case.events.all()}
        assert len(line_days) >= len(session_days), case.case_number


def test_the_phases_follow_one_another_and_the_return_starts_the_follow_up(seeded):
    """Each move starts from where the one before left the case; the follow-up schedule
    counts from the day of the return the timeline shows."""
    returned = 0
    for case in cases():
        lines = oldest_first(case)
        phase = lines[0].to_phase
        for line in filter(is_phase_move, lines):
            assert line.from_phase == phase, case.case_number
            phase = line.to_phase
        assert phase == case.phase, case.case_number
        if case.phase != Phase.REINTEGRATED:
            continue
        return_day = day_of([line for line in lines if is_phase_move(line, Phase.REINTEGRATED)][-1])
        for visit in case.followup_visits.all():
            if visit.plan_month:
                counted = add_months(return_day, visit.plan_month)
                # Counted back from the seed's day in days, a month is not always as long.
                assert abs((visit.scheduled_for - counted).days) <= 3, case.case_number
        returned += 1
    assert returned > 20


def test_a_plan_is_decided_while_the_return_is_planned(seeded):
    plans = 0
    for case in cases():
        lines = oldest_first(case)
        decisions = [line for line in lines if line.message.startswith("plan.")]
        if not decisions:
            continue
        planning = [
            i for i, line in enumerate(lines) if is_phase_move(line, Phase.REINTEGRATION_PLANNING)
        ]
        returning = [i for i, line in enumerate(lines) if is_phase_move(line, Phase.REINTEGRATED)]
        assert planning and planning[-1] < lines.index(decisions[0]), case.case_number
        if returning:
            assert lines.index(decisions[-1]) < returning[-1], case.case_number
        approval = Approval.objects.filter(case=case, kind=ApprovalKind.PLAN).get()
        assert approval.requested_at == decisions[0].occurred_at, case.case_number
        plans += 1
    assert plans > 20


def test_a_closed_case_closes_after_its_work_on_the_day_it_says(seeded):
    closed = Case.objects.filter(phase=Phase.CLOSED)
    for case in closed:
        lines = oldest_first(case)
        closure = [line for line in lines if is_phase_move(line, Phase.CLOSED)][-1]
        assert day_of(closure) == case.closed_on, case.case_number
        work = [
            line
            for line in lines
            if line.kind in WORKERS_LINES or line.message in ("referral.sent", "visit.recorded")
        ]
        assert all(lines.index(line) < lines.index(closure) for line in work), case.case_number
    # Closed over the months, as the dashboards count closures.
    assert len({(case.closed_on.year, case.closed_on.month) for case in closed}) >= 6


def test_a_case_handed_over_this_week_was_worked_on_by_one_worker_at_a_time(seeded):
    """The new worker finds it among the newly assigned; what the workers recorded before
    the handover is the previous worker's, what came after the new worker's."""
    handed_over = 0
    for case in cases():
        lines = oldest_first(case)
        handovers = [line for line in lines if line.kind == EventKind.ASSIGNED]
        if not handovers:
            continue
        handover = lines.index(handovers[0])
        if case.phase != Phase.CLOSED:
            age = SEEDED_AT - handovers[0].occurred_at
            assert age < dt.timedelta(days=NEW_ASSIGNMENT_DAYS), case.case_number
        own = [
            (index, line)
            for index, line in enumerate(lines)
            if (line.kind in WORKERS_LINES or line.message == "referral.sent")
            and line.actor.membership.organisation_id == case.organisation_id
        ]
        assert {line.actor_id for index, line in own if index > handover} <= {
            case.assigned_worker_id
        }, case.case_number
        assert case.assigned_worker_id not in {
            line.actor_id for index, line in own if index < handover
        }, case.case_number
        handed_over += 1
    assert handed_over >= 4
