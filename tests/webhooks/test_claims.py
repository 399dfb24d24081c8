"""Workers share the outbox: a delivery another worker holds is skipped, not waited for and
not sent twice (PostgreSQL's SELECT … FOR UPDATE SKIP LOCKED)."""

import threading

import pytest
from django.db import connection, transaction

from tests.conftest import need_service
from tests.referrals.helpers import give_consent, send
from webhooks.delivery import deliveries_send_due
from webhooks.models import DeliveryStatus, Event, WebhookDelivery


@pytest.mark.django_db(transaction=True)
def test_a_delivery_another_worker_holds_is_skipped(
    places, receiver, register, org_admin, case, owner, other_ngo, ministry
):
    need_service(connection.vendor == "postgresql", "SKIP LOCKED is PostgreSQL's")
    register(org_admin, receiver.url, [Event.REFERRAL_CREATED])
    give_consent(case, owner, organisation=other_ngo)
    give_consent(case, owner, organisation=ministry)
    send(case, owner, other_ngo)
    send(case, owner, ministry)
    held, other = WebhookDelivery.objects.order_by("pk")
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                WebhookDelivery.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=other_worker)
    worker.start()
    assert locked.wait(10)
    try:
        run = deliveries_send_due()
    finally:
        release.set()
        worker.join()
    assert run.delivered == 1
    assert [r.headers["webhook-id"] for r in receiver.received] == [other.message_id]
    held.refresh_from_db()
    assert (held.status, held.attempts) == (DeliveryStatus.PENDING, 0)
