"""My work for today, and a survivor turning 18."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cases.services import case_assign, consent_record
from cases.templatetags.local_dates import local_date
from plans import services, work
from plans.models import Domain, Plan, PlanStatus
from referrals.models import Referral
from tests.cases.factories import CaseFactory
from tests.followup.factories import planned_visit
from tests.plans.factories import approved_plan
from tests.referrals.helpers import send, share

pytestmark = pytest.mark.django_db

# 10:00 in Phnom Penh on 1 December 2026.
MORNING = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(MORNING, tick=False)
    return time_machine


def _guardian_sharing(case, actor, organisation, given_on):
    return consent_record(
        actor=actor, case=case, given_by="guardian", guardian_name="Mother",
        child_assent=True, purpose="sharing", shared_with_organisation=organisation,
        covers_identity=True, covers_case_facts=True, given_on=given_on,
    )  # fmt: skip


def test_my_work_lists_everything_due_most_urgent_first(frozen, owner, supervisor, colleague):
    case = CaseFactory(actor=owner, intake_date=TODAY - dt.timedelta(days=60))
    planned_visit(case, on=TODAY - dt.timedelta(days=2), worker=owner)
    plan = approved_plan(case, owner)
    Plan.objects.filter(pk=plan.pk).update(review_date=TODAY + dt.timedelta(days=5))
    plan.goals.get().actions.update(target_date=TODAY + dt.timedelta(days=3))
    consent_record(
        actor=owner, case=case, given_by="survivor", purpose="sharing",
        shared_with_kind="ngo", covers_case_facts=True, given_on=TODAY - dt.timedelta(days=300),
        expires_on=TODAY + dt.timedelta(days=10),
    )  # fmt: skip
    minor = CaseFactory(
        actor=owner,
        date_of_birth=dt.date(2008, 12, 31),  # 18 on 31 December 2026
        intake_date=TODAY - dt.timedelta(days=100),
    )
    returned = CaseFactory(actor=owner)
    draft = services.plan_start(actor=owner, case=returned)
    goal = services.goal_add(actor=owner, plan=draft, domain=Domain.FAMILY, description="Home")
    services.action_add(
        actor=owner, goal=goal, what="Visit", provider_kind="own", target_date=TODAY
    )
    approval = services.plan_submit(actor=owner, plan=draft)
    services.approval_return(actor=supervisor, approval=approval, comment="More detail")
    handed = CaseFactory(actor=colleague)
    case_assign(actor=supervisor, case=handed, worker=owner)
    someone_elses = CaseFactory(actor=colleague)
    planned_visit(someone_elses, on=TODAY - dt.timedelta(days=9), worker=colleague)

    items = work.my_work(owner).items
    kinds = [(item.kind, item.case_number) for item in items]
    assert kinds == [
        (work.VISIT, case.case_number),  # overdue, 29 Nov
        (work.RETURNED, returned.case_number),  # today
        (work.ASSIGNED, handed.case_number),  # today
        (work.ACTION, case.case_number),  # 4 Dec
        (work.REVIEW, case.case_number),  # 6 Dec
        (work.CONSENT, case.case_number),  # 11 Dec
        (work.TURNING_18, minor.case_number),  # 31 Dec
    ]
    assert items[0].overdue and not items[-1].overdue
    assert someone_elses.case_number not in {n for _k, n in kinds}


def test_the_dates_are_written_in_the_readers_language(frozen, client_for, owner):
    case = CaseFactory(actor=owner)
    days = [TODAY - dt.timedelta(days=2), TODAY + dt.timedelta(days=3)]
    for day in days:
        planned_visit(case, on=day, worker=owner)
    client = client_for(owner)
    client.cookies["django_language"] = "km"
    page = client.get(reverse("plans:my-work")).content.decode()
    with translation.override("km"):
        written = [local_date(day) for day in days]
    assert "២០២៦" in written[0]  # 2026 in Khmer digits
    assert page.index(written[0]) < page.index(written[1])


def test_a_supervisor_also_sees_what_waits_for_approval(frozen, owner, supervisor):
    case = CaseFactory(actor=owner)
    services.closure_request(actor=owner, case=case, reason="lost_contact")
    assert [i.kind for i in work.my_work(supervisor).items] == [work.APPROVAL]
    assert work.my_work(owner).items == []  # the worker waits, nothing to do


def test_referrals_waiting_for_an_answer_show_in_the_receivers_work(
    frozen, owner, outsider, other_ngo
):
    case = CaseFactory(actor=owner)
    consent_record(
        actor=owner, case=case, given_by="survivor", purpose="sharing",
        shared_with_organisation=other_ngo, covers_identity=True, covers_case_facts=True,
        given_on=TODAY,
    )  # fmt: skip
    send(case, owner, other_ngo)
    assert [i.kind for i in work.my_work(outsider).items] == [work.REFERRAL]


def test_a_long_queue_of_referrals_is_read_to_the_last_day_shown_and_counted_whole(
    frozen, owner, outsider, other_ngo
):
    """Referrals waiting for an answer are everyone's work in the receiving organisation, and
    a busy one has thousands: the list reads them up to the last day it shows and counts the
    rest. That day is Phnom Penh's, and on it the smallest case number comes first, however
    late it was sent: 23:59 there is 16:59 UTC, and 17:00 UTC the next day."""
    cases = sorted((CaseFactory(actor=owner) for _ in range(5)), key=lambda c: c.case_number)
    at = lambda day, hour, minute=0: dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)  # noqa: E731
    sent = [
        (cases[4], at(27, 3)),  # 27 November in Phnom Penh
        (cases[3], at(28, 2)),  # 28 November, 09:00
        (cases[0], at(28, 16, 59)),  # 28 November, 23:59: the smallest number that day
        (cases[1], at(28, 17)),  # 29 November, 00:00
        (cases[2], at(30, 1)),  # 30 November
    ]
    for case, moment in sent:
        share(case, other_ngo, status="sent", sent_at=moment)

    mine = work.my_work(outsider, shown=2)
    assert [(i.kind, i.case_number, i.due) for i in mine.items] == [
        (work.REFERRAL, cases[4].case_number, dt.date(2026, 11, 27)),
        (work.REFERRAL, cases[0].case_number, dt.date(2026, 11, 28)),
    ]
    assert (mine.total, mine.more) == (5, 3)
    everything = work.my_work(outsider, shown=10)
    assert [i.case_number for i in everything.items] == [
        cases[n].case_number for n in (4, 0, 3, 1, 2)
    ]
    assert everything.total == 5

    queue = Referral.objects.filter(to_organisation=other_ngo, status="sent")
    read, counted = work._first_days(queue, "sent_at", 2)
    assert (read.count(), counted.count()) == (3, 2)  # 27 and 28 November read; the rest counted
    read, counted = work._first_days(queue, "sent_at", 5)
    assert (read.count(), counted.count()) == (5, 0)  # fewer than shown: all read


def test_my_work_page_costs_the_same_with_more_work(frozen, client_for, owner):
    client = client_for(owner)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("plans:my-work")).status_code == 200
        return len(captured)

    case = CaseFactory(actor=owner)
    planned_visit(case, on=TODAY, worker=owner)
    few = queries()
    for _ in range(5):
        other = CaseFactory(actor=owner)
        planned_visit(other, on=TODAY, worker=owner)
        approved_plan(other, owner).goals.get().actions.update(target_date=TODAY)
    assert queries() == few


def test_a_long_list_shows_the_most_urgent_and_counts_the_rest(
    frozen, client_for, owner, monkeypatch
):
    monkeypatch.setattr(work, "SHOWN", 2)
    cases = [CaseFactory(actor=owner) for _ in range(3)]
    for days, case in zip((5, 1, 3), cases, strict=True):
        planned_visit(case, on=TODAY - dt.timedelta(days=days), worker=owner)
    page = client_for(owner).get(reverse("plans:my-work")).content.decode()
    assert "3 things to do" in page
    assert "The most urgent 2 are shown here." in page
    assert cases[0].case_number in page and cases[2].case_number in page
    assert cases[1].case_number not in page  # the least overdue


def test_the_most_urgent_are_picked_from_every_kind_and_every_item_is_counted(frozen, owner):
    """The list is cut to the most urgent before it reaches the page: a birthday (worked out
    apart, for 29 February) and visits compete for the same places."""
    minor = CaseFactory(
        actor=owner,
        date_of_birth=dt.date(2008, 12, 3),  # 18 on 3 December 2026
        intake_date=TODAY - dt.timedelta(days=100),
    )
    visits = [CaseFactory(actor=owner) for _ in range(3)]
    for days, case in zip((-1, 4, 6), visits, strict=True):
        planned_visit(case, on=TODAY + dt.timedelta(days=days), worker=owner)

    mine = work.my_work(owner, shown=2)
    assert [(i.kind, i.case_number) for i in mine.items] == [
        (work.VISIT, visits[0].case_number),  # overdue, 30 Nov
        (work.TURNING_18, minor.case_number),  # 3 Dec
    ]
    assert (mine.total, mine.more) == (4, 2)
    everything = work.my_work(owner, shown=10)
    assert [i.case_number for i in everything.items][2:] == [c.case_number for c in visits[1:]]
    assert everything.total == 4


@pytest.mark.parametrize(
    ("utc", "adult"),
    [
        (dt.datetime(2026, 12, 1, 16, 59, tzinfo=dt.UTC), False),  # 23:59 in Phnom Penh
        (dt.datetime(2026, 12, 1, 17, 0, tzinfo=dt.UTC), True),  # midnight: her birthday
    ],
)
def test_turning_18_on_the_right_day_in_phnom_penh(time_machine, owner, other_ngo, utc, adult):
    time_machine.move_to(dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC), tick=False)
    case = CaseFactory(
        actor=owner, date_of_birth=dt.date(2008, 12, 2), intake_date=dt.date(2026, 5, 1)
    )
    _guardian_sharing(case, owner, other_ngo, dt.date(2026, 5, 2))
    time_machine.move_to(utc, tick=False)
    from django.utils import timezone

    assert case.needs_own_consent(timezone.localdate()) is adult
    if adult:
        with pytest.raises(ValidationError) as refused:
            send(case, owner, other_ngo, shares_health=False)
        assert "turned 18" in str(refused.value)
        consent_record(
            actor=owner, case=case, given_by="survivor", purpose="sharing",
            shared_with_organisation=other_ngo, covers_identity=True, covers_case_facts=True,
            given_on=timezone.localdate(),
        )  # fmt: skip
    assert send(case, owner, other_ngo).pk


def test_the_case_page_asks_for_her_own_consent_once_18(time_machine, client_for, owner):
    time_machine.move_to(dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC), tick=False)
    case = CaseFactory(
        actor=owner, date_of_birth=dt.date(2008, 7, 1), intake_date=dt.date(2026, 5, 1)
    )
    time_machine.move_to(dt.datetime(2026, 7, 2, 3, 0, tzinfo=dt.UTC), tick=False)
    page = client_for(owner).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "turned 18" in page


def test_an_approved_plan_is_the_plan_in_force(owner):
    case = CaseFactory(actor=owner)
    assert approved_plan(case, owner).status == PlanStatus.APPROVED


def _due_everywhere(case, owner, day):
    """A visit, a plan action and a plan review of `case`, all due on `day`."""
    visit = planned_visit(case, on=day, worker=owner)
    plan = approved_plan(case, owner)
    Plan.objects.filter(pk=plan.pk).update(review_date=day)
    plan.goals.get().actions.update(target_date=day, what=f"Call {case.case_number}")
    return visit


def test_the_cut_goes_by_date_then_kind_then_case_number_across_every_kind(frozen, owner):
    day = TODAY - dt.timedelta(days=1)
    cases = sorted((CaseFactory(actor=owner) for _ in range(2)), key=lambda c: c.case_number)
    visits = [_due_everywhere(case, owner, day) for case in reversed(cases)][::-1]
    numbers = [case.case_number for case in cases]

    first = work.my_work(owner, shown=3)
    assert [(i.kind, i.case_number) for i in first.items] == [
        (work.VISIT, numbers[0]),
        (work.VISIT, numbers[1]),
        (work.ACTION, numbers[0]),
    ]
    assert (first.total, first.more) == (6, 3)

    everything = work.my_work(owner, shown=10).items
    assert [(i.kind, i.case_number) for i in everything] == [
        (kind, number) for kind in (work.VISIT, work.ACTION, work.REVIEW) for number in numbers
    ]
    assert [i.url for i in everything[:2]] == [
        reverse("followup:visit", args=[visit.pk]) for visit in visits
    ]
    assert everything[2].text == f"Plan action: Call {numbers[0]}"
    assert everything[2].url == everything[4].url == reverse("plans:plan", args=[cases[0].pk])
    assert all(item.overdue for item in everything)


def test_every_item_of_the_persons_cases_is_counted_and_nothing_else(
    frozen, client_for, owner, colleague
):
    """The count beyond the most urgent is the true number of things to do: a visit a
    colleague makes to one of the person's cases counts; what is done, far off, or of a
    colleague's case does not."""
    mine = [CaseFactory(actor=owner) for _ in range(3)]
    for days, case in enumerate(mine):
        _due_everywhere(case, owner, TODAY + dt.timedelta(days=days))
    planned_visit(mine[0], on=TODAY, worker=colleague)  # counts: her case
    planned_visit(mine[1], on=TODAY + dt.timedelta(days=30), worker=owner)  # far off
    done = planned_visit(mine[2], on=TODAY - dt.timedelta(days=3), worker=owner)
    done.status = "done"
    done.save(update_fields=["status"])
    approved_plan(mine[2], owner).goals.get().actions.update(status="done")  # no longer to do
    theirs = CaseFactory(actor=colleague)
    _due_everywhere(theirs, colleague, TODAY)

    mine_work = work.my_work(owner, shown=2)
    assert mine_work.total == 3 * 3 + 1 - 1  # three kinds each, one more visit, one action done
    assert mine_work.more == mine_work.total - 2
    assert len(work.my_work(owner, shown=100).items) == mine_work.total
    assert theirs.case_number not in {i.case_number for i in work.my_work(owner).items}
    page = client_for(owner).get(reverse("plans:my-work")).content.decode()
    assert f"{mine_work.total} things to do" in page
