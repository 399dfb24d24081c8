"""Reminders against a frozen clock: `now` is passed to the sending service."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from followup import services
from followup.models import EmailDelivery, Notification, Reminder, ReminderKind
from followup.sending import reminders_send_due
from tests.followup.factories import planned_visit

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def visit(case, owner, supervisor, colleague):
    owner.email = "owner@example.org"
    owner.save()
    supervisor.email = "supervisor@example.org"
    supervisor.save()
    return planned_visit(case, on=timezone.localdate() + dt.timedelta(days=30), worker=owner)


def times(visit):
    return services.reminder_due_times(visit.scheduled_for)


def received(user):
    return list(
        Notification.objects.filter(recipient=user).values_list("reminder__kind", flat=True)
    )


def test_nothing_is_sent_before_the_coming_up_reminder(visit, owner):
    assert reminders_send_due(now=times(visit)[ReminderKind.UPCOMING] - MINUTE) == 0
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_worker_is_reminded_before_on_and_after_the_day(visit, owner, supervisor, colleague):
    assert reminders_send_due(now=times(visit)[ReminderKind.UPCOMING]) == 1
    assert received(owner) == [ReminderKind.UPCOMING]
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]
    assert "coming up" in mail.outbox[0].subject
    assert visit.case.name_latin not in mail.outbox[0].body

    assert reminders_send_due(now=times(visit)[ReminderKind.DUE]) == 1
    assert sorted(received(owner)) == [ReminderKind.DUE, ReminderKind.UPCOMING]
    assert received(supervisor) == []

    assert reminders_send_due(now=times(visit)[ReminderKind.OVERDUE] - MINUTE) == 0
    assert reminders_send_due(now=times(visit)[ReminderKind.OVERDUE]) == 1
    assert sorted(received(owner)) == [
        ReminderKind.DUE,
        ReminderKind.OVERDUE,
        ReminderKind.UPCOMING,
    ]
    # Escalation: the organisation's supervisor hears of the overdue visit; a colleague does not.
    assert received(supervisor) == [ReminderKind.OVERDUE]
    assert received(colleague) == []
    assert len(mail.outbox) == 4
    assert mail.outbox[-1].to == ["supervisor@example.org"]


def test_running_again_sends_nothing_twice(visit, owner, supervisor):
    late = times(visit)[ReminderKind.OVERDUE] + dt.timedelta(days=1)
    assert reminders_send_due(now=late) == 3
    assert reminders_send_due(now=late) == 0
    assert Notification.objects.count() == 4
    assert len(mail.outbox) == 4
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()


def test_a_reminder_resent_after_a_lost_commit_notifies_no_one_twice(visit, owner, supervisor):
    """A batch whose notifications were committed but whose sent_at was not (a crash between
    the two cannot happen in one transaction, but a channel retry looks just like it)."""
    late = times(visit)[ReminderKind.OVERDUE]
    reminders_send_due(now=late)
    Reminder.objects.update(sent_at=None)
    reminders_send_due(now=late)
    assert Notification.objects.count() == 4
    assert len(mail.outbox) == 4  # the committed deliveries are skipped
    assert EmailDelivery.objects.count() == 4


def test_moving_a_visit_shifts_its_unsent_reminders(visit, owner):
    old = times(visit)
    services.visit_move(
        actor=owner,
        visit=visit,
        scheduled_for=visit.scheduled_for + dt.timedelta(days=14),
        reason="The family is at the rice harvest",
    )
    visit.refresh_from_db()
    assert reminders_send_due(now=old[ReminderKind.DUE]) == 0
    assert reminders_send_due(now=times(visit)[ReminderKind.UPCOMING]) == 1
    assert received(owner) == [ReminderKind.UPCOMING]


def test_a_sent_reminder_is_renewed_when_the_visit_moves_later(visit, owner):
    reminders_send_due(now=times(visit)[ReminderKind.DUE])
    with_move = timezone.localdate() + dt.timedelta(days=60)
    services.visit_move(actor=owner, visit=visit, scheduled_for=with_move, reason="Sick")
    visit.refresh_from_db()
    assert reminders_send_due(now=times(visit)[ReminderKind.DUE]) == 2
    assert len(received(owner)) == 4


def test_a_cancelled_visit_sends_nothing(visit, owner):
    services.visit_cancel(actor=owner, visit=visit, reason="The survivor moved away")
    assert reminders_send_due(now=times(visit)[ReminderKind.OVERDUE] + MINUTE) == 0
    assert not Notification.objects.exists()


def test_a_recorded_visit_sends_nothing_more(visit, owner):
    reminders_send_due(now=times(visit)[ReminderKind.UPCOMING])
    services.visit_record(actor=owner, visit=visit, visited_on=timezone.localdate())
    assert reminders_send_due(now=times(visit)[ReminderKind.OVERDUE] + MINUTE) == 0
    assert received(owner) == [ReminderKind.UPCOMING]


def test_a_failing_channel_is_retried_without_repeating_the_others(visit, owner, settings):
    settings.FOLLOWUP_REMINDER_CHANNELS = [
        "followup.channels.InAppChannel",
        "tests.followup.test_reminders.BrokenChannel",
    ]
    due = times(visit)[ReminderKind.DUE]
    assert reminders_send_due(now=due) == 0
    reminder = Reminder.objects.get(visit=visit, kind=ReminderKind.UPCOMING)
    assert reminder.sent_at is None and reminder.attempts == 1
    assert "SMS gateway down" in reminder.last_error
    assert Notification.objects.count() == 2  # upcoming and due, in-app went through
    settings.FOLLOWUP_REMINDER_CHANNELS = ["followup.channels.InAppChannel"]
    assert reminders_send_due(now=due) == 2
    assert Notification.objects.count() == 2


class BrokenChannel:
    name = "sms"

    def send(self, reminder, recipients):
        raise ConnectionError("SMS gateway down")
