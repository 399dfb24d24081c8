"""Reminders of court hearings: the case's worker a week and a day before, the supervisors
too when nothing is recorded after the day; written once, moved with the hearing, dropped when
it is cancelled or recorded; on Phnom Penh's calendar; saying nothing of the case but its
number and the day."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import close_old_connections, connection

from followup.models import EmailDelivery, Notification, Reminder, ReminderKind
from followup.sending import reminders_send_due
from legal import reminders, services
from legal.models import Hearing
from tests.cases.factories import CaseFactory
from tests.conftest import need_service

from .factories import CHARGES, proceeding

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)
# 00:30 on 2 March in Phnom Penh, still 1 March in UTC.
JUST_PAST_MIDNIGHT = dt.datetime(2026, 3, 1, 17, 30, tzinfo=dt.UTC)
HEARING_DAY = dt.date(2026, 3, 9)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(JUST_PAST_MIDNIGHT, tick=False)


@pytest.fixture
def hearing(case, owner):
    return services.hearing_schedule(
        actor=owner, proceeding=proceeding(case, owner), date=HEARING_DAY,
        court="Phnom Penh Court of First Instance", purpose="Testimony",
    )  # fmt: skip


def kinds(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("reminder__due_at")
        .values_list("reminder__kind", flat=True)
    )


def due(kind: str, day: dt.date = HEARING_DAY) -> dt.datetime:
    return reminders.hearing_reminder_times(day)[kind]


def test_scheduling_writes_the_three_reminders_once(hearing, case):
    rows = sorted(Reminder.objects.filter(case=case).values_list("topic", "kind"))
    topic = f"hearing:{hearing.pk}:2026-03-09"
    assert rows == sorted(
        [
            (topic, ReminderKind.UPCOMING),
            (topic, ReminderKind.DAY_BEFORE),
            (topic, ReminderKind.OVERDUE),
        ]
    )
    reminders.hearing_reminders(hearing, case.pk)  # written again: nothing new
    assert Reminder.objects.filter(case=case).count() == 3


def test_the_week_ahead_reminder_falls_on_phnom_penhs_day(hearing, case, owner):
    """Scheduled at 00:30 on 2 March in Phnom Penh (1 March in UTC): a week ahead is the
    9th, and its first reminder is due that same morning at 07:00, 00:00 UTC."""
    assert due(ReminderKind.UPCOMING) == dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC)
    assert due(ReminderKind.DAY_BEFORE) == dt.datetime(2026, 3, 8, 0, 0, tzinfo=dt.UTC)
    reminders_send_due(now=dt.datetime(2026, 3, 1, 23, 59, tzinfo=dt.UTC))
    assert kinds(owner) == []
    reminders_send_due(now=dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC))
    assert list(Notification.objects.filter(recipient=owner).values_list("text", flat=True)) == [
        f"Case {case.case_number} has a court hearing in a week, on 9 Mar 2026."
    ]


def test_the_worker_is_reminded_once_however_often_the_senders_run(
    hearing, owner, supervisor, colleague
):
    for kind in (ReminderKind.UPCOMING, ReminderKind.DAY_BEFORE):
        reminders_send_due(now=due(kind))
        reminders_send_due(now=due(kind))  # a second runner, or beat twice
        reminders_send_due(now=due(kind) + MINUTE)
    assert kinds(owner) == [ReminderKind.UPCOMING, ReminderKind.DAY_BEFORE]
    assert kinds(supervisor) == kinds(colleague) == []


def test_an_unrecorded_hearing_is_escalated_to_the_supervisor_the_morning_after(
    hearing, owner, supervisor, colleague
):
    reminders_send_due(now=due(ReminderKind.OVERDUE) - MINUTE)
    assert ReminderKind.OVERDUE not in kinds(supervisor)
    reminders_send_due(now=due(ReminderKind.OVERDUE))
    reminders_send_due(now=due(ReminderKind.OVERDUE) + MINUTE)
    assert kinds(supervisor) == [ReminderKind.OVERDUE]
    assert kinds(owner)[-1] == ReminderKind.OVERDUE
    assert kinds(colleague) == []
    assert "has not been recorded" in Notification.objects.get(recipient=supervisor).text


def test_a_recorded_hearing_is_not_escalated(hearing, owner, supervisor, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC), tick=False)
    services.hearing_record(actor=owner, hearing=hearing, attendance="attended")
    reminders_send_due(now=due(ReminderKind.OVERDUE) + MINUTE)
    assert kinds(supervisor) == []
    assert ReminderKind.OVERDUE not in kinds(owner)


def test_a_moved_hearing_is_reminded_on_its_new_day(hearing, case, owner, time_machine):
    reminders_send_due(now=due(ReminderKind.UPCOMING))  # the week-ahead one went
    time_machine.move_to(dt.datetime(2026, 3, 5, 3, 0, tzinfo=dt.UTC), tick=False)
    new_day = dt.date(2026, 3, 20)
    services.hearing_move(actor=owner, hearing=hearing, date=new_day)
    topics = set(Reminder.objects.filter(case=case, sent_at__isnull=True).values_list("topic"))
    assert topics == {(f"hearing:{hearing.pk}:2026-03-20",)}
    reminders_send_due(now=due(ReminderKind.DAY_BEFORE))  # the old day before: nothing
    assert kinds(owner) == [ReminderKind.UPCOMING]
    reminders_send_due(now=due(ReminderKind.UPCOMING, new_day))
    reminders_send_due(now=due(ReminderKind.DAY_BEFORE, new_day))
    assert kinds(owner) == [ReminderKind.UPCOMING] * 2 + [ReminderKind.DAY_BEFORE]
    assert "20 Mar 2026" in Notification.objects.filter(recipient=owner).first().text


def test_a_cancelled_hearing_is_not_reminded(hearing, case, owner, supervisor):
    services.hearing_cancel(actor=owner, hearing=hearing)
    assert not Reminder.objects.filter(case=case).exists()
    reminders_send_due(now=due(ReminderKind.OVERDUE) + MINUTE)
    assert kinds(owner) == kinds(supervisor) == []
    assert Hearing.objects.get(pk=hearing.pk).cancelled_at is not None


def test_a_hearing_three_days_ahead_gets_no_week_ahead_reminder(case, owner):
    made = services.hearing_schedule(
        actor=owner, proceeding=proceeding(case, owner), date=dt.date(2026, 3, 5)
    )
    assert set(Reminder.objects.filter(case=case).values_list("kind", flat=True)) == {
        ReminderKind.DAY_BEFORE,
        ReminderKind.OVERDUE,
    }
    assert made.pk


@pytest.fixture
def by_email(settings, owner, supervisor):
    """Reminders sent by e-mail too, to the worker and the supervisor, who have addresses."""
    settings.FOLLOWUP_REMINDER_CHANNELS = [
        "followup.channels.InAppChannel",
        "followup.channels.EmailChannel",
    ]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for person, address in ((owner, "worker@example.org"), (supervisor, "lead@example.org")):
        person.email = address
        person.save(update_fields=["email"])


def test_the_emails_name_the_case_number_and_nothing_of_the_proceedings(
    by_email, hearing, case, supervisor
):
    for kind in (ReminderKind.UPCOMING, ReminderKind.DAY_BEFORE, ReminderKind.OVERDUE):
        reminders_send_due(now=due(kind))
    assert EmailDelivery.objects.filter(recipient=supervisor).count() == 1
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        text = message.subject + message.body
        assert case.case_number in text
        for secret in ("Sok", "Sreyneang", CHARGES, "canary", "Court of First", "Testimony"):
            assert secret not in text
        assert message.body.endswith(f"/cases/{case.pk}/#legal")


@pytest.mark.django_db(transaction=True)
def test_two_runners_at_once_send_each_reminder_once_to_each_person(
    places, by_email, owner, supervisor
):
    need_service(connection.vendor == "postgresql", "parallel runners need PostgreSQL")
    case = CaseFactory(actor=owner)
    for _ in range(10):
        services.hearing_schedule(actor=owner, proceeding=proceeding(case, owner), date=HEARING_DAY)
    start = threading.Barrier(2)

    def runner():
        start.wait()
        try:
            reminders_send_due(
                now=due(ReminderKind.OVERDUE) + MINUTE, batch_size=4, pause_in_batch=0.02
            )
        finally:
            close_old_connections()

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Ten hearings, three reminders each: the worker has all 30, the supervisor the 10
    # escalations; in the app and by e-mail, each once.
    assert Notification.objects.filter(recipient=owner).count() == 30
    assert Notification.objects.filter(recipient=supervisor).count() == 10
    assert sorted(message.to[0] for message in mail.outbox).count("worker@example.org") == 30
    assert len(mail.outbox) == 40
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()


def test_an_email_waiting_for_the_mail_server_is_withdrawn_when_the_hearing_is_recorded(
    hearing, owner, settings, time_machine, free_tcp_port
):
    settings.FOLLOWUP_REMINDER_CHANNELS = ["followup.channels.EmailChannel"]
    # No mail server listens there: the e-mail of the day-before reminder waits.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_tcp_port
    owner.email = "worker@example.org"
    owner.save(update_fields=["email"])
    reminders_send_due(now=due(ReminderKind.DAY_BEFORE))
    assert list(EmailDelivery.objects.values_list("status", flat=True)) == ["pending", "pending"]
    time_machine.move_to(dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC), tick=False)
    services.hearing_record(actor=owner, hearing=hearing, attendance="attended")
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {"withdrawn"}
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
