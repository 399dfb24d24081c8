"""Reminder e-mails counted at a real SMTP server while the worker, its pool process, the
database or the broker fails mid-batch. Everything runs against private services (a PostgreSQL
cluster, a Redis and an aiosmtpd server of the test's own, on free ports) and a real
`celery -A config worker -B`, whose beat runs the reminder task every second.

Each delivery is claimed, sent and marked one at a time, and the test holds every message
between sending and marking, the worst moment for a fault: a fault may repeat that one
message, never a batch, and nothing may go missing."""

import collections
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import need_service

from .services import (
    ROOT,
    MailCatcher,
    PrivatePostgres,
    PrivateRedis,
    Worker,
    wait_for,
)

VISITS = 80  # every fifth overdue, so 96 e-mails and 96 notifications per scenario
PAUSE_PER_EMAIL = 0.02  # between sending a message and marking it sent
DEADLINE_SECONDS = 45

# One PostgreSQL cluster, migrated once, serves every scenario: in parallel runs the module's
# tests stay in one worker process rather than each worker building a cluster of its own.
pytestmark = pytest.mark.xdist_group("reminder_faults")


@pytest.fixture(scope="module")
def postgres():
    need_service(PrivatePostgres.available(), "PostgreSQL's binaries (initdb) are needed")
    need_service(PrivateRedis.available(), "redis-server is needed")
    cluster = PrivatePostgres()
    try:
        cluster.init()
        cluster.sql("postgres", "CREATE DATABASE template_faults")
        run_django(cluster, "template_faults", "migrate")
        # Every scenario's database is a copy of this one, with these reminders due.
        cluster.seeded = seeded(run_django(cluster, "template_faults", "seed", str(VISITS)))
        yield cluster
    finally:
        cluster.destroy()


def run_django(cluster: PrivatePostgres, database: str, *args: str) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.followup.worker_settings",
        "DATABASE_URL": cluster.url(database),
        "FOLLOWUP_SMTP_PORT": "25",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tests.followup.fault_seed", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def seeded(output: str) -> tuple[set, set]:
    data = json.loads(output.strip().splitlines()[-1])
    return (
        {tuple(pair) for pair in data["emails"]},
        {tuple(pair) for pair in data["notifications"]},
    )


class Scenario:
    """One private database, Redis, SMTP server and worker; the seeded reminders; the counts."""

    def __init__(self, postgres: PrivatePostgres, workdir, **worker_options):
        self.postgres = postgres
        self.database = f"faults_{uuid.uuid4().hex[:8]}"
        postgres.sql("postgres", f'CREATE DATABASE "{self.database}" TEMPLATE template_faults')
        self.redis = PrivateRedis()
        self.redis.start()
        self.smtp = MailCatcher()
        self.smtp.start()
        self.expected_mail, self.expected_notes = (set(x) for x in postgres.seeded)
        env = {
            "DATABASE_URL": postgres.url(self.database),
            "REDIS_URL": self.redis.url,
            "FOLLOWUP_SMTP_PORT": str(self.smtp.port),
            "FOLLOWUP_BEAT_SECONDS": "1",
            "FOLLOWUP_PAUSE_PER_EMAIL": str(PAUSE_PER_EMAIL),
            "CELERY_BEAT_SCHEDULE_FILENAME": str(workdir / "beat-schedule"),
        }
        self.worker = Worker(workdir, env, **worker_options)

    def seed(self, visits: int, *, due_in: float = -300, tag: str = "a") -> None:
        out = run_django(
            self.postgres, self.database, "seed", str(visits), f"--due-in={due_in}", f"--tag={tag}"
        )
        mail, notes = seeded(out)
        self.expected_mail |= mail
        self.expected_notes |= notes

    def sql(self, query: str, *params):
        return self.postgres.sql(self.database, query, *params)

    def open_deliveries(self) -> int:
        return self.sql(
            "SELECT count(*) FROM followup_emaildelivery WHERE status IN ('pending', 'sending')"
        )[0][0]

    def settled(self) -> bool:
        unsent = self.sql("SELECT count(*) FROM followup_reminder WHERE sent_at IS NULL")[0][0]
        return unsent == 0 and self.open_deliveries() == 0

    def wait_until_settled(self) -> None:
        try:
            wait_for(self.settled, DEADLINE_SECONDS, "every reminder and e-mail sent", step=0.25)
        except AssertionError as error:
            report = self.report("unsettled")
            raise AssertionError(f"{error}\n{report}\n{self.worker.logs()}") from error

    def report(self, name: str) -> str:
        received = self.smtp.counts()
        rows = self.sql("SELECT reminder_id, recipient_id FROM followup_notification")
        notes = collections.Counter(tuple(row) for row in rows)
        self.missing_mail = self.expected_mail - set(received)
        self.unexpected_mail = set(received) - self.expected_mail
        self.doubled_mail = sum(n - 1 for n in received.values() if n > 1)
        self.missing_notes = self.expected_notes - set(notes)
        self.doubled_notes = sum(n - 1 for n in notes.values() if n > 1)
        line = (
            f"{name}: e-mails expected {len(self.expected_mail)}, received "
            f"{sum(received.values())}, missing {len(self.missing_mail)}, doubled "
            f"{self.doubled_mail}; notifications expected {len(self.expected_notes)}, "
            f"missing {len(self.missing_notes)}, doubled {self.doubled_notes}"
        )
        print(line)
        return line

    def close(self) -> None:
        self.worker.kill_group()
        self.smtp.stop()
        self.redis.stop()
        try:
            self.postgres.sql("postgres", f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        except Exception:  # noqa: BLE001, S110 - a restarted cluster may still be starting
            pass


@pytest.fixture
def scenario(postgres, tmp_path):
    scenarios = []

    def make(**worker_options) -> Scenario:
        scenarios.append(Scenario(postgres, tmp_path, **worker_options))
        return scenarios[-1]

    yield make
    for item in scenarios:
        item.close()


def assert_exact(s: Scenario, report: str, *, repeats_allowed: int) -> None:
    assert not s.missing_mail, report
    assert not s.unexpected_mail, report
    assert s.doubled_mail <= repeats_allowed, report
    assert not s.missing_notes, report
    assert not s.doubled_notes, report


def test_a_redis_restart_mid_batch_leaves_the_worker_running_and_loses_nothing(scenario):
    s = scenario()
    s.worker.start()
    wait_for(lambda: s.smtp.total() >= 20, 30, "the batch to be under way")
    s.redis.restart()
    # Reminders that fall due after the restart must go out too, in-app and by e-mail.
    s.seed(VISITS // 2, due_in=2, tag="after")
    time.sleep(3)
    assert s.worker.alive(), s.worker.logs()
    s.wait_until_settled()
    assert s.worker.alive(), s.worker.logs()
    report = s.report("redis restart mid-batch")
    assert_exact(s, report, repeats_allowed=0)


def test_the_old_acks_late_configuration_crashes_on_a_redis_restart_and_exits_non_zero(
    scenario,
):
    """The cause, kept as a test: with a message unacknowledged in the worker (acks_late, or a
    prefetched one) when Redis restarts, kombu crashes the worker ("Restoring 1 unacknowledged
    message(s)", then AttributeError on 'hostname'). It exits non-zero, so that a supervisor
    restarts it; the configuration in config/settings/base.py never gets there."""
    s = scenario()
    s.worker.env["FOLLOWUP_OLD_ACKS_LATE"] = "1"
    s.worker.start()
    wait_for(lambda: s.smtp.total() >= 20, 30, "the batch to be under way")
    s.redis.restart()
    wait_for(lambda: not s.worker.alive(), 30, "the worker to die")
    log = s.worker.log.read_text(errors="replace")
    assert s.worker.process.returncode != 0
    assert "unacknowledged message" in log
    assert "Unrecoverable error" in log and "hostname" in log


def test_sigkill_of_the_worker_group_mid_batch_repeats_at_most_one_email(scenario):
    s = scenario()
    s.worker.start()
    wait_for(lambda: s.smtp.total() >= 30, 30, "the batch to be under way")
    s.worker.kill_group()
    killed_at = s.smtp.total()
    s.worker.start()
    s.wait_until_settled()
    report = s.report(f"SIGKILL of the worker group after {killed_at} e-mails")
    assert_exact(s, report, repeats_allowed=1)


def test_sigkill_of_the_pool_process_mid_batch_repeats_at_most_one_email(scenario):
    s = scenario()
    s.worker.start()
    wait_for(lambda: s.smtp.total() >= 30, 30, "the batch to be under way")
    # Celery names its processes through setproctitle: the pool's, not beat's.
    pool = [pid for pid in s.worker.pool_children() if b"ForkPoolWorker" in _cmdline(pid)]
    assert len(pool) == 1, [_cmdline(pid) for pid in s.worker.pool_children()]
    os.kill(pool[0], signal.SIGKILL)
    killed_at = s.smtp.total()
    s.wait_until_settled()
    assert s.worker.alive(), s.worker.logs()
    report = s.report(f"SIGKILL of the pool process after {killed_at} e-mails")
    assert_exact(s, report, repeats_allowed=1)


def test_a_postgresql_restart_mid_batch_repeats_at_most_one_email(scenario):
    s = scenario()
    s.worker.start()
    wait_for(lambda: s.smtp.total() >= 30, 30, "the batch to be under way")
    s.postgres.restart()
    restarted_at = s.smtp.total()
    s.wait_until_settled()
    assert s.worker.alive(), s.worker.logs()
    report = s.report(f"PostgreSQL restart after {restarted_at} e-mails")
    assert_exact(s, report, repeats_allowed=1)


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
