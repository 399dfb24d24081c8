"""Reminder e-mails against a real SMTP server (aiosmtpd on a free port): one address refused,
the mail server down for several runs, a temporary refusal; and who is reminded of a visit
planned for an API key's service account. 100 overdue reminders, each for the visit's worker
and the supervisor: 200 e-mails expected, each exactly once."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from api.services import api_key_create
from cases.models import Phase
from cases.services import case_change_phase
from followup.models import (
    DeliveryStatus,
    EmailDelivery,
    FollowUpVisit,
    Notification,
    Reminder,
    ReminderKind,
)
from followup.sending import reminders_send_due

from .services import MailCatcher

pytestmark = pytest.mark.django_db

REMINDERS = 100
RUN_EVERY = dt.timedelta(minutes=2)


@pytest.fixture
def smtp(settings):
    catcher = MailCatcher()
    catcher.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = catcher.port
    settings.EMAIL_TIMEOUT = 5
    yield catcher
    catcher.stop()


@pytest.fixture
def due(case, owner, supervisor):
    owner.email = "worker@example.org"
    owner.save()
    supervisor.email = "supervisor@example.org"
    supervisor.save()
    visits = FollowUpVisit.objects.bulk_create(
        FollowUpVisit(case=case, scheduled_for=timezone.localdate(), assigned_worker=owner)
        for _ in range(REMINDERS)
    )
    start = timezone.now()
    Reminder.objects.bulk_create(
        Reminder(visit=visit, kind=ReminderKind.OVERDUE, due_at=start) for visit in visits
    )
    expected = {
        (reminder, address)
        for reminder in Reminder.objects.values_list("pk", flat=True)
        for address in (owner.email, supervisor.email)
    }
    return start, expected


def run(times: int, start: dt.datetime, first: int = 0) -> dt.datetime:
    for n in range(first, first + times):
        now = start + n * RUN_EVERY
        reminders_send_due(now=now)
    return now


def figures(smtp: MailCatcher, expected: set) -> tuple[int, int, int]:
    received = smtp.counts()
    missing = len(expected - set(received))
    doubled = sum(n - 1 for n in received.values() if n > 1)
    return sum(received.values()), missing, doubled


def test_one_refused_address_doubles_and_starves_nobody(smtp, due, client_for, supervisor):
    start, expected = due
    smtp.refuse = {"supervisor@example.org"}
    run(3, start)
    worker_mail = {key for key in expected if key[1] == "worker@example.org"}
    received, missing, doubled = figures(smtp, worker_mail)
    assert (received, missing, doubled) == (REMINDERS, 0, 0)
    refused = EmailDelivery.objects.filter(address="supervisor@example.org")
    assert set(refused.values_list("status", flat=True)) == {DeliveryStatus.REFUSED}
    assert set(refused.values_list("attempts", flat=True)) == {1}  # never retried
    assert "550" in refused.first().last_error
    assert Notification.objects.filter(recipient=supervisor).count() == REMINDERS

    page = client_for(supervisor).get(reverse("cases:team"))
    assert page.status_code == 200
    assert "supervisor@example.org" in page.content.decode()
    assert [r["address"] for r in page.context["refused_addresses"]] == ["supervisor@example.org"]


def test_a_mail_server_down_for_five_runs_loses_and_doubles_nothing(smtp, due):
    start, expected = due
    smtp.stop()
    run(5, start)
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0  # in-app went out
    assert Notification.objects.count() == len(expected)
    assert EmailDelivery.objects.filter(status=DeliveryStatus.PENDING).count() == len(expected)
    smtp.start()
    run(2, start, first=5)
    received, missing, doubled = figures(smtp, expected)
    assert (received, missing, doubled) == (len(expected), 0, 0)
    assert EmailDelivery.objects.exclude(status=DeliveryStatus.SENT).count() == 0


def test_a_temporary_refusal_is_retried_alone_with_a_growing_delay(smtp, due, settings):
    start, expected = due
    settings.FOLLOWUP_EMAIL_RETRY_SECONDS = 60
    smtp.refuse = {"supervisor@example.org"}
    smtp.refuse_code = "451 4.3.0 Try again later"
    run(1, start)
    waiting = EmailDelivery.objects.filter(address="supervisor@example.org")
    assert set(waiting.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    first_retry = waiting.first().next_attempt_at
    assert first_retry == start + dt.timedelta(seconds=60)

    reminders_send_due(now=first_retry)
    assert waiting.first().next_attempt_at == first_retry + dt.timedelta(seconds=120)

    smtp.refuse = set()
    reminders_send_due(now=first_retry + dt.timedelta(seconds=120))
    received, missing, doubled = figures(smtp, expected)
    assert (received, missing, doubled) == (len(expected), 0, 0)


def test_reminders_of_a_case_reintegrated_through_an_api_key_go_to_supervisors(
    smtp, ngo, owner, supervisor, client_for
):
    from tests.cases.factories import CaseFactory
    from tests.plans.factories import approved_plan

    supervisor.email = "supervisor@example.org"
    supervisor.save()
    key, _secret = api_key_create(actor=None, organisation=ngo, name="Partner system")
    service = key.user
    service.email = "partner-system@example.org"
    service.save()
    case = CaseFactory(actor=owner)
    case.assigned_worker = None
    case.save(update_fields=["assigned_worker"])
    approved_plan(case, owner)
    for phase in (Phase.INTAKE, Phase.REINTEGRATION_PLANNING, Phase.REINTEGRATED):
        case = case_change_phase(actor=service, case=case, to_phase=phase)
    visits = FollowUpVisit.objects.filter(case=case)
    assert visits.exists()
    assert not visits.filter(assigned_worker=service).exists()

    reminders_send_due(now=timezone.now() + dt.timedelta(days=800))
    assert not Notification.objects.filter(recipient=service).exists()
    assert Notification.objects.filter(recipient=supervisor).count() == Reminder.objects.count()
    addresses = {address for _reminder, address in smtp.counts()}
    assert addresses == {"supervisor@example.org"}

    page = client_for(supervisor).get(reverse("cases:team"))
    assert case in page.context["cases_needing_worker"]
    assert case.case_number in page.content.decode()


def test_an_email_waiting_for_the_mail_server_is_withdrawn_once_the_visit_is_recorded(
    smtp, due, owner
):
    from followup.services import visit_record

    start, expected = due
    smtp.stop()
    run(1, start)  # the reminders went out in-app; their e-mails wait for the mail server
    visit = FollowUpVisit.objects.order_by("pk").first()
    waiting = EmailDelivery.objects.filter(reminder__visit=visit)
    assert set(waiting.values_list("status", flat=True)) == {DeliveryStatus.PENDING}

    visit_record(actor=owner, visit=visit, visited_on=timezone.localdate())
    smtp.start()
    run(1, start, first=1)

    late = {
        (reminder, address)
        for reminder, address in expected
        if reminder in set(Reminder.objects.filter(visit=visit).values_list("pk", flat=True))
    }
    received, missing, doubled = figures(smtp, expected - late)
    assert (received, missing, doubled) == (len(expected) - len(late), 0, 0)
    assert len(late) == 2  # the worker's and the supervisor's
    assert set(waiting.values_list("status", flat=True)) == {DeliveryStatus.WITHDRAWN}
