"""The services production depends on, reached with the project's own settings. Under
REQUIRE_SERVICES=1 (CI) a missing service fails these tests instead of skipping them."""

import os

import pytest
from django.conf import settings
from django.db import connection

from config.celery_app import app as celery_app
from tests.conftest import CONFIGURED_REDIS_URL, need_service, redis_url_for_worker


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_it_was_given():
    wanted = os.environ.get("DATABASE_URL", "")
    if wanted.startswith(("postgres://", "postgresql://")):
        assert connection.vendor == "postgresql"
    else:
        need_service(not os.environ.get("REQUIRE_SERVICES"), "CI must set DATABASE_URL")
        assert connection.vendor == "sqlite"


def test_the_celery_broker_answers():
    from kombu import Connection

    assert celery_app.conf.broker_url == settings.REDIS_URL
    try:
        with Connection(settings.REDIS_URL, connect_timeout=2) as broker:
            broker.ensure_connection(max_retries=1)
            reachable = True
    except Exception:  # noqa: BLE001 - any failure means the broker is not there
        reachable = False
    need_service(reachable, f"Redis is not reachable at {settings.REDIS_URL}")


def test_each_parallel_worker_has_a_redis_database_of_its_own(request):
    """Parallel workers publish to their own Redis databases; the broker the application uses
    and the REDIS_URL the processes a test starts inherit are the same one."""
    assert redis_url_for_worker("redis://127.0.0.1:6379/9", 0) == "redis://127.0.0.1:6379/9"
    assert redis_url_for_worker("redis://127.0.0.1:6379/9", 1) == "redis://127.0.0.1:6379/10"
    assert redis_url_for_worker("redis://127.0.0.1:6379/15", 1) == "redis://127.0.0.1:6379/0"
    assert redis_url_for_worker("redis://:secret@redis:6380", 2) == "redis://:secret@redis:6380/2"
    worker = getattr(request.config, "workerinput", {}).get("workerid", "gw0")
    expected = redis_url_for_worker(CONFIGURED_REDIS_URL, int(worker.removeprefix("gw")))
    assert settings.REDIS_URL == settings.CELERY_BROKER_URL == expected
    assert celery_app.conf.broker_url == expected
    assert os.environ.get("REDIS_URL", expected) == expected
