"""The demo seed runs once for this package, in one worker (the `seed_demo` group), in a
transaction rolled back when the package is done: each test still runs in its own savepoint
inside it. It runs on a clock stopped at `SEEDED_AT`, 00:20 in Phnom Penh (17:20 UTC the day
before), when the seed's own day has barely begun: what happened that day must still have
happened before the seed ran, and "today" is the seed's day whichever side of midnight UTC
the tests run on."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

SEEDED_AT = dt.datetime(2026, 3, 10, 0, 20, tzinfo=ZoneInfo("Asia/Phnom_Penh"))


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="package")
def seeded(django_db_setup, django_db_blocker):
    """What the seed printed."""
    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(SEEDED_AT, tick=False):
            printed = seed()
        yield printed
        transaction.set_rollback(True)
