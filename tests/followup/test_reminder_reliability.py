"""Reminders survive a killed worker and a restarted broker, against the real Redis and real
Celery worker processes on the PostgreSQL test database.

300 visits are due. Two workers send them in small batches while a "beat" enqueues the task,
sometimes twice. Part-way, one worker is killed with SIGKILL in the middle of a batch and Redis
(a private one on a free port, started and killed by the test) is restarted without its data
(every queued message is lost). A new worker starts and the beat goes on. In the end every
reminder has exactly one in-app notification per recipient and one e-mail per recipient, but for
the one message the killed worker may have had in flight between sending and marking it.
"""

import collections
import datetime
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from followup.models import EmailDelivery, FollowUpVisit, Notification, Reminder, ReminderKind
from organisations.models import Province, Role
from organisations.services import places_load
from tests.cases.factories import CaseFactory
from tests.conftest import need_service
from tests.organisations.factories import UserFactory

from .services import WORKER_START_SECONDS, PrivateRedis, wait_for

VISITS = 300
OVERDUE_EVERY = 10  # every tenth reminder is an overdue one: worker and supervisor
BATCH_SIZE = 20
PAUSE_IN_BATCH = 0.15  # holds each batch open after sending, so the kill lands mid-batch
TASK = "followup.tasks.reminders_send_due"
DEADLINE_SECONDS = 120
ROOT = Path(settings.BASE_DIR)


REDIS = PrivateRedis()


def redis_url() -> str:
    return REDIS.url


def redis_answers(timeout: float = 1.0) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(redis_url(), socket_connect_timeout=timeout).ping())
    except redis.RedisError:
        return False


def restart_redis() -> None:
    """Restart the test's own Redis without saving: every queued message is gone."""
    REDIS.restart()
    wait_for(redis_answers, 15, "Redis to answer PING again")


def database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class Workers:
    """Celery worker processes, each in its own process group so SIGKILL takes all of it."""

    def __init__(self, queue: str, workdir: Path):
        self.queue = queue
        self.workdir = workdir
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.followup.worker_settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url(),
            "FOLLOWUP_EMAIL_DIR": str(workdir / "mail"),
        }

    def log(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    def start(self, name: str) -> None:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--prefetch-multiplier=1",
            "-Q",
            self.queue,
            "-n",
            f"{name}-{self.queue}@%h",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "info",
        ]
        with self.log(name).open("wb") as log:
            self.processes[name] = subprocess.Popen(  # noqa: S603
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(
            lambda: b" ready." in self.log(name).read_bytes() or self._died(name),
            WORKER_START_SECONDS,
            f"worker {name} to start",
            step=0.1,
        )
        assert not self._died(name), self.log(name).read_text()[-3000:]

    def _died(self, name: str) -> bool:
        return self.processes[name].poll() is not None

    def kill(self, name: str) -> None:
        process = self.processes[name]
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait(timeout=10)

    def kill_all(self) -> None:
        for name in list(self.processes):
            self.kill(name)


def enqueue(queue: str, times: int = 1) -> None:
    """What beat does: send the task; a fresh connection each time, as the broker may have
    restarted since."""
    from celery import Celery

    producer = Celery("reliability-beat", broker=redis_url())
    try:
        for _ in range(times):
            producer.send_task(
                TASK,
                kwargs={"batch_size": BATCH_SIZE, "pause_in_batch": PAUSE_IN_BATCH},
                queue=queue,
                retry=True,
                retry_policy={"max_retries": 5, "interval_start": 0.2, "interval_step": 0.5},
            )
    finally:
        producer.close()


MESSAGE_SEPARATOR = re.compile(rb"\n-{79}\n")
REMINDER_HEADER = re.compile(rb"^X-Homecoming-Reminder: (\d+)$", re.MULTILINE)
TO_HEADER = re.compile(rb"^To: (.+)$", re.MULTILINE)


def emails_sent(mail_dir: Path) -> collections.Counter:
    """(reminder id, address) → how many e-mails the workers wrote, killed one included."""
    sent = collections.Counter()
    for path in mail_dir.glob("*"):
        for message in MESSAGE_SEPARATOR.split(path.read_bytes()):
            reminder, to = REMINDER_HEADER.search(message), TO_HEADER.search(message)
            if reminder and to:
                sent[(int(reminder.group(1)), to.group(1).decode().strip())] += 1
    return sent


@pytest.fixture
def places(transactional_db):
    """Transactional tests (the browser's) empty every table afterwards, places included."""
    if not Province.objects.exists():
        places_load()


@pytest.fixture
def services_up(transactional_db):
    need_service(
        connection.vendor == "postgresql",
        "the reliability test needs PostgreSQL (a worker process cannot see SQLite's test db)",
    )
    need_service(PrivateRedis.available(), "redis-server is needed")
    REDIS.start()
    yield
    REDIS.stop()


@pytest.fixture
def due_reminders(services_up, places, ngo, owner, supervisor):
    owner.email = "worker@example.org"
    owner.save()
    supervisor.email = "supervisor@example.org"
    supervisor.save()
    UserFactory(organisation=ngo, role=Role.SOCIAL_WORKER, email="bystander@example.org")
    cases = [CaseFactory(actor=owner) for _ in range(4)]
    today = timezone.localdate()
    visits = FollowUpVisit.objects.bulk_create(
        FollowUpVisit(case=cases[i % 4], scheduled_for=today, assigned_worker=owner)
        for i in range(VISITS)
    )
    due_at = timezone.now() - datetime.timedelta(minutes=5)
    Reminder.objects.bulk_create(
        Reminder(
            visit=visit,
            kind=ReminderKind.OVERDUE if i % OVERDUE_EVERY == 0 else ReminderKind.DUE,
            due_at=due_at,
        )
        for i, visit in enumerate(visits)
    )
    expected = set()
    for reminder in Reminder.objects.all():
        expected.add((reminder.pk, owner.pk))
        if reminder.kind == ReminderKind.OVERDUE:
            expected.add((reminder.pk, supervisor.pk))
    return expected


@pytest.mark.django_db(transaction=True)
@pytest.mark.real_clock  # the worker processes read the real time
def test_no_reminder_is_lost_or_notified_twice_when_worker_and_broker_die(
    due_reminders, owner, supervisor, tmp_path
):
    (tmp_path / "mail").mkdir()
    queue = f"reliability-{uuid.uuid4().hex[:8]}"
    workers = Workers(queue, tmp_path)
    expected = due_reminders
    started = time.monotonic()
    try:
        workers.start("first")
        workers.start("second")
        enqueue(queue, times=3)  # a duplicated beat from the start

        at_kill = wait_for(
            lambda: (n := Notification.objects.count()) >= len(expected) // 5 and n,
            60,
            "a fifth of the notifications",
            step=0.05,
        )
        workers.kill("first")
        assert at_kill < len(expected), "the kill came too late to land part-way"
        restart_redis()
        workers.start("third")

        deadline = time.monotonic() + DEADLINE_SECONDS
        beats = 0
        while (
            Reminder.objects.filter(sent_at__isnull=True).exists()
            or EmailDelivery.objects.filter(status__in=["pending", "sending"]).exists()
        ):
            assert time.monotonic() < deadline, "reminders left unsent after recovery"
            enqueue(queue, times=2 if beats % 3 == 0 else 1)
            beats += 1
            time.sleep(2)
    finally:
        workers.kill_all()

    notified = collections.Counter(Notification.objects.values_list("reminder_id", "recipient_id"))
    missing = expected - set(notified)
    unexpected = set(notified) - expected
    twice = {key: n for key, n in notified.items() if n > 1}

    address = {owner.pk: owner.email, supervisor.pk: supervisor.email}
    mailed = emails_sent(tmp_path / "mail")
    expected_mail = {(reminder, address[user]) for reminder, user in expected}
    mail_missing = expected_mail - set(mailed)
    duplicates = sum(n - 1 for n in mailed.values())
    report = (
        f"reliability: {len(expected)} notifications due for {VISITS} visits; "
        f"{at_kill} existed when a worker was SIGKILLed and Redis restarted; "
        f"after recovery {sum(notified.values())} notifications, {len(missing)} missing, "
        f"{len(twice)} duplicated; e-mails written {sum(mailed.values())} for "
        f"{len(expected_mail)} due, {len(mail_missing)} missing, {duplicates} duplicates "
        f"(committed EmailDelivery rows: {EmailDelivery.objects.count()}); "
        f"{time.monotonic() - started:.1f}s"
    )
    print(report)
    assert not missing, report
    assert not unexpected, report
    assert not twice, report
    assert not mail_missing, report
    assert duplicates <= 1, report
    assert EmailDelivery.objects.filter(status="sent").count() == len(expected), report
