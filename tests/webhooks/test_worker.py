"""The outbox goes out through the real broker and a real Celery worker process, on the
PostgreSQL test database: the task a beat would send is consumed and the receiver gets the
signed delivery."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery_app import app
from tests.conftest import need_service
from tests.referrals.helpers import give_consent, send
from webhooks.models import DeliveryStatus, Event, WebhookDelivery

TASK = "webhooks.tasks.webhook_deliveries_send_due"


def broker_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or "5432"
    return f"postgres://{db['USER'] or 'postgres'}{password}@{host}:{port}/{db['NAME']}"


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"Timed out after {seconds}s waiting for {what}")


@pytest.fixture
def worker(tmp_path: Path):
    need_service(
        connection.vendor == "postgresql", "the worker shares the PostgreSQL test database"
    )
    need_service(broker_answers(), "Redis (the broker) is not reachable")
    queue = f"webhooks-test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.CELERY_BROKER_URL,
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
    command += ["-Q", queue, "-n", f"{queue}@%h", "--without-mingle", "--without-gossip"]
    command += ["-l", "info"]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own worker, fixed arguments
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(
            lambda: b" ready." in log.read_bytes() or process.poll() is not None, 60, "a worker"
        )
        assert process.poll() is None, log.read_text()[-3000:]
        yield queue, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.django_db(transaction=True)
@pytest.mark.real_clock  # the worker process reads the real time
def test_a_worker_sends_the_outbox_through_the_broker(
    places, worker, receiver, register, org_admin, case, owner, other_ngo
):
    queue, log = worker
    register(org_admin, receiver.url, [Event.REFERRAL_CREATED])
    give_consent(case, owner, organisation=other_ngo)
    send(case, owner, other_ngo)

    app.send_task(TASK, queue=queue)

    wait_for(lambda: receiver.received, 60, "the delivery")
    delivery = WebhookDelivery.objects.get()
    wait_for(
        lambda: WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED, 30, "marking"
    )
    assert [r.headers["webhook-id"] for r in receiver.received] == [delivery.message_id], (
        log.read_text()[-3000:]
    )
