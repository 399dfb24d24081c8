"""Reminders about the plan: actions and reviews due, requests waiting for a decision. Written
once by the service that makes them due, sent by the follow-up reminders' mechanism, escalated
to the supervisor when overdue."""

import datetime as dt

import pytest

from followup.models import Notification, Reminder, ReminderKind
from followup.sending import reminders_send_due
from followup.services import reminder_due_times
from plans import reminders, services
from plans.models import Action, ActionStatus, Domain, Goal, GoalProgress
from tests.plans.factories import close_case
from tests.plans.test_plan_rules import SCORES, TODAY, _approved, _draft

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    # 10:00 in Phnom Penh.
    time_machine.move_to(dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture(autouse=True)
def _in_app_only(settings):
    settings.FOLLOWUP_REMINDER_CHANNELS = ["followup.channels.InAppChannel"]


def texts(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("text", flat=True))


def kinds(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("reminder__due_at")
        .values_list("reminder__kind", flat=True)
    )


def test_approving_writes_each_actions_and_the_reviews_reminders_once(case, owner, supervisor):
    plan = _approved(case, owner, supervisor)
    action = Action.objects.get(goal__plan=plan)
    topics = sorted(Reminder.objects.filter(case=case).values_list("topic", "kind"))
    assert topics == sorted(
        [
            (f"action:{action.pk}:{action.target_date}", ReminderKind.DUE),
            (f"action:{action.pk}:{action.target_date}", ReminderKind.OVERDUE),
            (f"review:{plan.pk}:{plan.review_date}", ReminderKind.DUE),
            (f"review:{plan.pk}:{plan.review_date}", ReminderKind.OVERDUE),
        ]
    )
    reminders.approved_plan_reminders(plan)  # written again: nothing new
    assert Reminder.objects.filter(case=case).count() == 4


def test_an_action_due_reminds_the_worker_once_and_overdue_also_the_supervisor(
    case, owner, supervisor, colleague
):
    plan = _approved(case, owner, supervisor)
    action = Action.objects.get(goal__plan=plan)
    due = reminder_due_times(action.target_date)
    reminders_send_due(now=due[ReminderKind.DUE] - MINUTE)
    assert kinds(owner) == []
    reminders_send_due(now=due[ReminderKind.DUE])
    reminders_send_due(now=due[ReminderKind.DUE] + MINUTE)
    assert kinds(owner) == [ReminderKind.DUE]
    assert kinds(supervisor) == []
    assert texts(owner) == [f"A plan action for case {case.case_number} is due on 30 Jan 2027."]
    reminders_send_due(now=due[ReminderKind.OVERDUE])
    reminders_send_due(now=due[ReminderKind.OVERDUE] + MINUTE)
    assert kinds(owner) == [ReminderKind.DUE, ReminderKind.OVERDUE]
    assert kinds(supervisor) == [ReminderKind.OVERDUE]
    assert kinds(colleague) == []
    assert case.case_number in texts(supervisor)[0] and "overdue" in texts(supervisor)[0]


def test_an_action_done_is_not_recalled(case, owner, supervisor):
    plan = _approved(case, owner, supervisor)
    action = Action.objects.get(goal__plan=plan)
    services.action_update(actor=owner, action=action, status=ActionStatus.DONE, outcome="Done")
    reminders_send_due(now=reminder_due_times(action.target_date)[ReminderKind.OVERDUE])
    assert kinds(owner) == kinds(supervisor) == []


def test_a_review_moves_the_review_reminders_to_the_next_date(
    case, owner, supervisor, time_machine
):
    plan = _approved(case, owner, supervisor)
    first = plan.review_date
    goal = Goal.objects.get(plan=plan)
    time_machine.move_to(dt.datetime(2027, 2, 1, 3, 0, tzinfo=dt.UTC), tick=False)
    services.plan_review(
        actor=owner, plan=plan, reviewed_on=dt.date(2027, 2, 1),
        progress={goal.pk: ("some", "")}, scores=SCORES,
    )  # fmt: skip
    plan.refresh_from_db()
    review_topics = set(
        Reminder.objects.filter(topic__startswith="review:").values_list("topic", flat=True)
    )
    assert review_topics == {f"review:{plan.pk}:{plan.review_date}"}
    assert plan.review_date != first
    assert GoalProgress.objects.filter(goal=goal).exists()
    reminders_send_due(now=reminder_due_times(plan.review_date)[ReminderKind.DUE])
    assert f"The plan of case {case.case_number} is due for review on 1 May 2027." in texts(owner)


def test_a_review_overdue_is_recalled_to_the_worker_and_the_supervisor_once(
    case, owner, supervisor, colleague
):
    plan = _approved(case, owner, supervisor)
    action = Action.objects.get(goal__plan=plan)  # done: only the review is recalled
    services.action_update(actor=owner, action=action, status=ActionStatus.DONE)
    due = reminder_due_times(plan.review_date)
    reminders_send_due(now=due[ReminderKind.DUE])
    assert kinds(owner) == [ReminderKind.DUE] and kinds(supervisor) == []
    reminders_send_due(now=due[ReminderKind.OVERDUE] - MINUTE)
    assert kinds(supervisor) == []
    reminders_send_due(now=due[ReminderKind.OVERDUE])
    reminders_send_due(now=due[ReminderKind.OVERDUE] + MINUTE)
    assert kinds(owner) == [ReminderKind.DUE, ReminderKind.OVERDUE]
    assert kinds(supervisor) == [ReminderKind.OVERDUE]
    assert kinds(colleague) == []
    assert texts(supervisor) == [
        f"The plan review of case {case.case_number} was due on 1 Mar 2027 and is overdue."
    ]


def test_a_request_waiting_is_recalled_to_the_supervisors_until_decided(
    case, owner, supervisor, colleague
):
    plan = _draft(case, owner)
    approval = services.plan_submit(actor=owner, plan=plan)
    written = Reminder.objects.filter(topic__startswith="approval:")
    assert written.count() == 2
    reminders.approval_reminders(approval)  # written again: nothing new
    assert written.count() == 2
    due = reminder_due_times(TODAY + dt.timedelta(days=reminders.APPROVAL_DUE_AFTER_DAYS))
    reminders_send_due(now=due[ReminderKind.DUE])
    assert kinds(supervisor) == [ReminderKind.DUE]
    assert kinds(owner) == kinds(colleague) == []
    services.approval_approve(actor=supervisor, approval=approval)
    assert not Reminder.objects.filter(topic__startswith="approval:", sent_at__isnull=True)
    reminders_send_due(now=due[ReminderKind.OVERDUE])
    assert kinds(supervisor).count(ReminderKind.OVERDUE) == 0


def test_a_new_version_replaces_the_old_versions_unsent_reminders(case, owner, supervisor):
    old = _approved(case, owner, supervisor)
    old_action = Action.objects.get(goal__plan=old)
    new = services.plan_start(actor=owner, case=case)
    goal = services.goal_add(actor=owner, plan=new, domain=Domain.FAMILY, description="Visit")
    services.action_add(
        actor=owner, goal=goal, what="Family visit", provider_kind="own",
        target_date=TODAY + dt.timedelta(days=10),
    )  # fmt: skip
    approval = services.plan_submit(actor=owner, plan=new)
    services.approval_approve(actor=supervisor, approval=approval)
    topics = set(Reminder.objects.filter(case=case).values_list("topic", flat=True))
    assert not any(t.startswith(f"action:{old_action.pk}:") for t in topics)
    assert not any(t.startswith(f"review:{old.pk}:") for t in topics)
    assert len([t for t in topics if t.startswith("action:")]) == 2  # copied and new


def test_a_closed_case_is_not_recalled(case, owner, supervisor):
    plan = _approved(case, owner, supervisor)
    action = Action.objects.get(goal__plan=plan)
    close_case(case, requested_by=owner, approved_by=supervisor, reason="other")
    reminders_send_due(now=reminder_due_times(action.target_date)[ReminderKind.OVERDUE])
    assert kinds(owner) == kinds(supervisor) == []
