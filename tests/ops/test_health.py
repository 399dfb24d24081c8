"""/healthz says the process answers; /readyz says whether it can serve, check by check, and
nothing else: no version, no host, no error text. Neither needs a session, TLS or a known host."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from ops import selectors
from ops.models import Heartbeat
from ops.services import heartbeat_record
from ops.tasks import beat_heartbeat

pytestmark = pytest.mark.django_db
CHECKS = {"database", "migrations", "cache", "broker", "beat"}


@pytest.fixture
def broker_up(monkeypatch):
    """The broker check is tested against the real Redis in tests/test_production_stack.py."""
    monkeypatch.setitem(selectors.CHECKS, "broker", lambda: True)


def test_healthz_answers_any_host_without_a_session(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def test_readyz_is_ok_when_every_check_passes(client, broker_up):
    heartbeat_record()
    response = client.get("/readyz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert response.json() == dict.fromkeys(CHECKS, "ok")


def test_readyz_reports_a_beat_that_stopped(client, broker_up, settings):
    heartbeat_record(at=timezone.now() - dt.timedelta(seconds=settings.BEAT_HEARTBEAT_MAX_AGE + 1))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {**dict.fromkeys(CHECKS, "ok"), "beat": "fail"}


def test_readyz_reports_a_beat_that_never_ran(client, broker_up):
    assert client.get("/readyz").json()["beat"] == "fail"


def test_readyz_says_fail_and_nothing_more_when_a_service_breaks(client, broker_up, monkeypatch):
    heartbeat_record()

    def broken(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis-cache.internal:6379")

    monkeypatch.setattr(cache, "set", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {**dict.fromkeys(CHECKS, "ok"), "cache": "fail"}
    assert b"redis-cache" not in response.content


def test_readyz_reports_a_broker_that_does_not_answer(client, settings):
    heartbeat_record()
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["broker"] == "fail"


def test_the_heartbeat_task_stamps_beats_last_run():
    before = timezone.now()
    beat_heartbeat()
    beat_heartbeat()
    assert Heartbeat.objects.get(name="beat").beat_at >= before
    assert Heartbeat.objects.count() == 1


def test_only_get_and_head_are_probes(client):
    assert client.post("/healthz").status_code != 200
