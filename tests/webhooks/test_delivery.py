"""Deliveries against a real HTTP server on loopback: signed as the README says, retried
until a 2xx, never redirected, never kept waiting, paused after a day of failures."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone
from standardwebhooks import Webhook

from tests.referrals.helpers import give_consent, send
from webhooks.delivery import deliveries_send_due
from webhooks.models import DeliveryStatus, Event, WebhookDelivery
from webhooks.services import webhook_endpoint_resume
from webhooks.tasks import webhook_deliveries_send_due

pytestmark = pytest.mark.django_db

README = Path(settings.BASE_DIR) / "README.md"
T0 = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)


def readme_verify():
    """The verification snippet of the README, run as a partner would copy it."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("**Verifying a delivery.**") :]
    snippet = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    namespace: dict = {}
    exec(compile(snippet, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    return namespace["verify"]


@pytest.fixture
def hooked(receiver, register, org_admin):
    """The sender's endpoint for referrals sent, on the receiver."""
    return register(org_admin, receiver.url, [Event.REFERRAL_CREATED])


@pytest.fixture
def referral(hooked, case, owner, other_ngo):
    give_consent(case, owner, organisation=other_ngo)
    return send(case, owner, other_ngo)


def test_a_delivery_verifies_with_the_readme_snippet_and_names_no_survivor(
    receiver, register, org_admin, case, owner, other_ngo
):
    endpoint, secret = register(org_admin, receiver.url, [Event.REFERRAL_CREATED])
    give_consent(case, owner, organisation=other_ngo)
    referral = send(case, owner, other_ngo)

    assert deliveries_send_due().delivered == 1

    (request,) = receiver.received
    assert request.path == "/hooks/homecoming"
    readme_verify()(secret, request.headers, request.body)  # raises if it does not verify
    Webhook(secret).verify(request.body, request.headers)  # the Standard Webhooks library
    delivery = WebhookDelivery.objects.get()
    assert json.loads(request.body) == {
        "id": delivery.message_id,
        "event": "referral.created",
        "occurred_at": delivery.occurred_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "resource": f"http://127.0.0.1:8000/api/v1/referrals/{referral.pk}/",
        "organisation": org_admin.membership.organisation.slug,
    }
    assert request.headers["webhook-id"] == delivery.message_id
    for survivor_data in (case.name_latin, case.case_number, referral.reason):
        assert survivor_data.encode() not in request.body
    for tampered in (request.body.replace(b"referral", b"REFERRAL"), request.body + b" "):
        with pytest.raises(ValueError, match="Bad signature"):
            readme_verify()(secret, request.headers, tampered)
    with pytest.raises(ValueError, match="Bad signature"):
        readme_verify()("whsec_" + "A" * 44, request.headers, request.body)


def test_the_readme_snippet_refuses_an_old_delivery(receiver, hooked, case, owner, other_ngo):
    _endpoint, secret = hooked
    with time_machine.travel(T0, tick=False) as clock:
        give_consent(case, owner, organisation=other_ngo)
        send(case, owner, other_ngo)
        deliveries_send_due()
        request = receiver.received[0]
        readme_verify()(secret, request.headers, request.body)
        clock.shift(dt.timedelta(minutes=6))
        with pytest.raises(ValueError, match="Timestamp"):
            readme_verify()(secret, request.headers, request.body)


def test_a_500_is_retried_with_backoff_until_a_2xx_with_the_same_id(
    receiver, register, org_admin, case, owner, other_ngo
):
    register(org_admin, receiver.url, [Event.REFERRAL_CREATED])
    receiver.answers = [500, 503]
    with time_machine.travel(T0, tick=False) as clock:
        give_consent(case, owner, organisation=other_ngo)
        send(case, owner, other_ngo)
        deliveries_send_due()
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
            DeliveryStatus.PENDING,
            1,
            500,
        )
        assert delivery.next_attempt_at == T0 + dt.timedelta(seconds=30)

        clock.shift(dt.timedelta(seconds=29))
        assert deliveries_send_due().delivered == 0
        assert len(receiver.received) == 1  # not due yet

        clock.shift(dt.timedelta(seconds=1))
        deliveries_send_due()
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.last_response_code) == (2, 503)
        assert delivery.next_attempt_at == timezone.now() + dt.timedelta(seconds=60)

        clock.shift(dt.timedelta(seconds=60))
        assert deliveries_send_due().delivered == 1
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
            DeliveryStatus.DELIVERED,
            3,
            200,
        )
        assert deliveries_send_due().delivered == 0
    ids = {request.headers["webhook-id"] for request in receiver.received}
    assert ids == {delivery.message_id}
    assert len(receiver.received) == 3


def test_a_redirect_is_not_followed(receiver, referral):
    receiver.answers = [("redirect", "/elsewhere")]
    deliveries_send_due()
    assert [request.path for request in receiver.received] == ["/hooks/homecoming"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_response_code) == (DeliveryStatus.PENDING, 302)


def test_a_receiver_that_does_not_answer_in_time_is_left(receiver, referral, settings):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.3
    # It would answer after 3 s: the run gives up at the timeout, well before (with room for
    # a loaded machine's slower start).
    receiver.answers = [("slow", 3.0)]
    started = timezone.now()
    deliveries_send_due()
    assert timezone.now() - started < dt.timedelta(seconds=2)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_response_code is None
    assert "timeout" in delivery.last_error


def test_another_organisations_events_reach_no_endpoint_of_ours(
    receiver, register, org_admin, other_admin, case, owner, ministry
):
    """A referral between two other organisations: our endpoint receives nothing."""
    register(other_admin, receiver.url)
    give_consent(case, owner, organisation=ministry)
    send(case, owner, ministry)
    deliveries_send_due()
    assert receiver.received == []


def test_an_endpoint_failing_for_24_hours_is_paused_and_its_administrators_told(
    receiver, register, org_admin, client_for, case, owner, other_ngo
):
    org_admin.email = "admin@shelter.example"
    org_admin.save()
    endpoint, _secret = register(org_admin, receiver.url, [Event.REFERRAL_CREATED])
    receiver.answers = [500] * 100
    with time_machine.travel(T0, tick=False) as clock:
        give_consent(case, owner, organisation=other_ngo)
        send(case, owner, other_ngo)
        deliveries_send_due()
        endpoint.refresh_from_db()
        assert endpoint.failing_since == T0
        clock.move_to(T0 + dt.timedelta(hours=23, minutes=59))
        deliveries_send_due()
        endpoint.refresh_from_db()
        assert endpoint.paused_at is None
        clock.move_to(T0 + dt.timedelta(hours=24, minutes=1))
        run = deliveries_send_due()
        assert run.paused == 1
        endpoint.refresh_from_db()
        assert endpoint.paused_at == T0 + dt.timedelta(hours=24, minutes=1)

        (message,) = mail.outbox
        assert message.to == ["admin@shelter.example"]
        assert receiver.url in message.subject
        assert f"/webhooks/{endpoint.pk}/" in message.body

        tried = len(receiver.received)
        clock.shift(dt.timedelta(days=1))
        deliveries_send_due()
        assert len(receiver.received) == tried  # paused: nothing is sent
        page = client_for(org_admin).get(f"/webhooks/{endpoint.pk}/")
        assert "Paused since" in page.content.decode()

        receiver.answers = []
        webhook_endpoint_resume(actor=org_admin, endpoint=endpoint)
        assert deliveries_send_due().delivered == 1
    endpoint.refresh_from_db()
    assert (endpoint.paused_at, endpoint.failing_since) == (None, None)
    assert len(mail.outbox) == 1


def test_a_success_before_24_hours_starts_the_count_afresh(
    receiver, hooked, case, owner, other_ngo
):
    endpoint, _secret = hooked
    receiver.answers = [500]
    with time_machine.travel(T0, tick=False) as clock:
        give_consent(case, owner, organisation=other_ngo)
        send(case, owner, other_ngo)
        deliveries_send_due()
        endpoint.refresh_from_db()
        assert endpoint.failing_since == T0
        clock.shift(dt.timedelta(minutes=1))
        deliveries_send_due()
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_a_host_that_now_resolves_to_a_private_address_is_not_called(receiver, referral, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    deliveries_send_due()
    assert receiver.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert "private or local address" in delivery.last_error


def test_a_claim_left_by_a_dead_worker_is_sent_again(referral):
    WebhookDelivery.objects.update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now() - dt.timedelta(seconds=60)
    )
    assert deliveries_send_due().delivered == 0  # the claim may still be alive
    WebhookDelivery.objects.update(claimed_at=timezone.now() - dt.timedelta(minutes=3))
    assert deliveries_send_due().delivered == 1


def test_the_beat_task_sends_what_is_due(referral):
    assert webhook_deliveries_send_due.apply().get() == 1
    assert settings.CELERY_BEAT_SCHEDULE["webhooks-send-due-deliveries"]["task"] == (
        webhook_deliveries_send_due.name
    )


def test_the_command_sends_what_is_due_without_a_broker(referral, receiver):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("send_webhooks", stdout=out)
    assert out.getvalue().startswith("1 delivered, 0 to retry")
    assert len(receiver.received) == 1


def test_nothing_is_sent_for_an_organisation_no_longer_active(referral, receiver, org_admin):
    from organisations.models import Organisation

    Organisation.objects.filter(pk=org_admin.membership.organisation_id).update(is_active=False)
    assert deliveries_send_due().delivered == 0
    assert receiver.received == []
