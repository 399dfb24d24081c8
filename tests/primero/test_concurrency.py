"""Two cycles at once (two beat runs, or the command beside the worker) make each call once:
the outbox row is claimed under SKIP LOCKED, an incoming referral is received once."""

import threading

import pytest
from django.db import connections

from primero import sync
from primero.models import CallStatus, InboundReferral, OutboxCall
from tests.conftest import need_service
from tests.referrals.helpers import send

from .conftest import RECIPIENT


def run_twice_at_once() -> list[BaseException]:
    errors = []

    def cycle():
        try:
            sync.sync_cycle()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cycle) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_cycles_at_once_send_once(places, primero, connection, case, owner, dosvy, consents):
    need_service(connections["default"].vendor == "postgresql", "SKIP LOCKED needs PostgreSQL")
    send(case, owner, dosvy)
    record = primero.add_case(name="Chan Dara")
    primero.refer(record, to=RECIPIENT)
    primero.delay = 0.05

    assert run_twice_at_once() == []

    assert len(primero.cases) == 2  # ours, and the one referred to us
    assert len([r for r in primero.referrals.values() if r["transitioned_to"] != RECIPIENT]) == 1
    assert OutboxCall.objects.get().status == CallStatus.DONE
    assert InboundReferral.objects.count() == 1
