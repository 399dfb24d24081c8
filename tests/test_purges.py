"""Finished webhook deliveries and reminder e-mails are forgotten after their keeping period,
by the hourly jobs beat runs; waiting ones are kept whatever their age, and a purged reminder
e-mail is never sent again."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from followup.mail import email_deliveries_purge_old
from followup.models import DeliveryStatus as MailStatus
from followup.models import EmailDelivery, FollowUpVisit, Reminder, ReminderKind
from followup.sending import reminders_send_due
from webhooks.delivery import deliveries_purge_old
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)


def test_beat_runs_both_purges_hourly():
    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks["webhooks.tasks.webhook_deliveries_purge_old"] == 3600.0
    assert tasks["followup.tasks.email_deliveries_purge_old"] == 3600.0


def test_old_finished_webhook_deliveries_go_and_the_rest_stay(ngo):
    endpoint = WebhookEndpoint.objects.create(
        organisation=ngo,
        secret="whsec_test",
        url="https://partner.example.org/hook",
        events=["case.updated"],
    )
    keep = dt.timedelta(days=settings.WEBHOOK_DELIVERIES_KEEP_DAYS)

    def delivery(name, status, age):
        return WebhookDelivery.objects.create(
            endpoint=endpoint,
            message_id=f"msg_{name}",
            event="case.updated",
            resource="/api/v1/cases/1/",
            occurred_at=NOW - age,
            status=status,
        )

    old_delivered = delivery("a", DeliveryStatus.DELIVERED, keep + dt.timedelta(hours=1))
    old_failed = delivery("b", DeliveryStatus.FAILED, keep + dt.timedelta(days=30))
    recent_failed = delivery("c", DeliveryStatus.FAILED, keep - dt.timedelta(hours=1))
    old_waiting = delivery("d", DeliveryStatus.PENDING, keep + dt.timedelta(days=30))

    assert deliveries_purge_old(now=NOW, batch=1) == 2
    left = set(WebhookDelivery.objects.values_list("pk", flat=True))
    assert left == {recent_failed.pk, old_waiting.pk}
    assert not {old_delivered.pk, old_failed.pk} & left


def test_old_finished_reminder_emails_go_and_are_not_sent_again(case, owner, mailoutbox):
    keep = dt.timedelta(days=settings.EMAIL_DELIVERIES_KEEP_DAYS)
    owner.email = "worker@example.org"
    owner.save()
    visit = FollowUpVisit.objects.create(
        case=case, scheduled_for=timezone.localdate(), assigned_worker=owner
    )

    def email(status, age, kind):
        reminder = Reminder.objects.create(
            visit=visit, kind=kind, due_at=NOW - age, sent_at=NOW - age
        )
        return EmailDelivery.objects.create(
            reminder=reminder, recipient=owner, address=owner.email, status=status
        )

    old_sent = email(MailStatus.SENT, keep + dt.timedelta(days=1), ReminderKind.UPCOMING)
    old_refused = email(MailStatus.REFUSED, keep + dt.timedelta(days=1), ReminderKind.DAY_BEFORE)
    recent_sent = email(MailStatus.SENT, keep - dt.timedelta(days=1), ReminderKind.OVERDUE)
    waiting = email(MailStatus.PENDING, keep + dt.timedelta(days=2), ReminderKind.DUE)

    assert email_deliveries_purge_old(now=NOW, batch=1) == 2
    left = set(EmailDelivery.objects.values_list("pk", flat=True))
    assert left == {recent_sent.pk, waiting.pk}
    assert not {old_sent.pk, old_refused.pk} & left
    # The reminders stay, sent: the next run does not write their e-mails again.
    assert Reminder.objects.filter(visit=visit).count() == 4
    reminders_send_due(now=NOW)
    assert EmailDelivery.objects.filter(address=owner.email).count() == 2


def test_a_keeping_period_shorter_than_the_refusals_page_is_refused(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import config.settings.base as base

    monkeypatch.setenv("EMAIL_DELIVERIES_KEEP_DAYS", "30")
    with pytest.raises(ImproperlyConfigured, match="at least 90"):
        importlib.reload(base)
    monkeypatch.delenv("EMAIL_DELIVERIES_KEEP_DAYS")
    importlib.reload(base)
