"""Private services for the fault tests: a Redis, a PostgreSQL cluster and an SMTP server of
their own, each on a free port of 127.0.0.1, which the tests may stop, restart or kill without
touching the machine's shared ones; and Celery workers started against them."""

import collections
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from email import message_from_bytes
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PG_BIN = Path("/usr/lib/postgresql/15/bin")
REMINDER_HEADER = "X-Homecoming-Reminder"
# How long a Celery worker may take to say it is ready: importing Django and the project and
# connecting to the broker took over 30 s once on a loaded machine (two cores shared by
# parallel test runs). Readiness is polled, so a quick start costs no more than it takes.
WORKER_START_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, seconds: float, what: str, step: float = 0.05):
    """Poll `condition` until it holds (its value returned) or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"Timed out after {seconds}s waiting for {what}")


def port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class PrivateRedis:
    """redis-server on a free port, keeping nothing on disk: a restart loses every message."""

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [  # noqa: S607
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: port_answers(self.port), 10, "Redis to listen")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        wait_for(lambda: not port_answers(self.port), 10, "Redis to stop")

    def restart(self, down_for: float = 0.5) -> None:
        self.stop()
        time.sleep(down_for)
        self.start()

    @staticmethod
    def available() -> bool:
        return bool(shutil.which("redis-server"))


class PrivatePostgres:
    """A PostgreSQL cluster of its own (initdb in a temporary directory), run as the postgres
    system user when the tests run as root, as initdb requires."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="hc-pg-"))
        self.data = self.dir / "data"
        self.as_root = os.geteuid() == 0

    @staticmethod
    def available() -> bool:
        return (PG_BIN / "initdb").exists() and (os.geteuid() != 0 or bool(shutil.which("runuser")))

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        subprocess.run(  # noqa: S603
            [*prefix, *command], check=True, capture_output=True, timeout=60
        )

    def init(self) -> None:
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E",
            "UTF8", "--no-sync",
        )  # fmt: skip
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
            str(self.dir / "log"), "-w", "start",
        )  # fmt: skip

    # PostgreSQL's shutdown modes and the signal its postmaster takes for each.
    SHUTDOWN_SIGNALS = {"smart": signal.SIGTERM, "fast": signal.SIGINT, "immediate": signal.SIGQUIT}

    def stop(self, mode: str = "immediate") -> None:
        """Shut down this cluster only: the postmaster named in its own data directory gets the
        mode's signal, and the stop is over when it has removed its pid file (as pg_ctl waits).
        No command here can reach the machine's shared server."""
        pid_file = self.data / "postmaster.pid"
        if not pid_file.exists():
            raise subprocess.CalledProcessError(1, "stop", "this cluster is not running")
        os.kill(int(pid_file.read_text().split()[0]), self.SHUTDOWN_SIGNALS[mode])
        deadline = time.monotonic() + 60
        while pid_file.exists():
            if time.monotonic() > deadline:
                raise TimeoutError(f"The test's own PostgreSQL did not stop ({mode}).")
            time.sleep(0.05)

    def restart(self, down_for: float = 0.5) -> None:
        self.stop()
        time.sleep(down_for)
        self.start()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, database: str, query: str, *params):
        import psycopg2

        connection = psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall() if cursor.description else None
        finally:
            connection.close()

    def destroy(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


class MailCatcher:
    """A real SMTP server (aiosmtpd) that counts what it accepts, per (reminder, address); it
    can refuse addresses with 550, answer 451 for a while, or be stopped like a mail server
    that is down."""

    def __init__(self):
        self.port = free_port()
        self.received: collections.Counter = collections.Counter()
        self.refuse: set[str] = set()
        self.refuse_code = "550 5.1.1 No such user here"
        self.lock = threading.Lock()
        self.controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        catcher = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address in catcher.refuse:
                    return catcher.refuse_code
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                message = message_from_bytes(envelope.content)
                reminder = message.get(REMINDER_HEADER)
                with catcher.lock:
                    for address in envelope.rcpt_tos:
                        catcher.received[(int(reminder) if reminder else 0, address)] += 1
                return "250 Message accepted"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())

    def counts(self) -> collections.Counter:
        with self.lock:
            return collections.Counter(self.received)


class Worker:
    """`celery -A config worker` in its own process group, against the private services."""

    def __init__(
        self, workdir: Path, env: dict[str, str], *, beat: bool = True, pool: str = "prefork"
    ):
        self.workdir = workdir
        self.env = {**os.environ, **env, "DJANGO_SETTINGS_MODULE": "tests.followup.worker_settings"}
        self.beat = beat
        self.pool = pool
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def log(self) -> Path:
        return self.workdir / f"worker-{self.starts}.log"

    def start(self) -> None:
        self.starts += 1
        # As `make worker` runs it, with one pool process.
        beat = ["-B"] if self.beat else []
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker", *beat,
            "-l", "info", f"--pool={self.pool}", "--concurrency=1",
        ]  # fmt: skip
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(
            lambda: b" ready." in self.log.read_bytes() or self.process.poll() is not None,
            WORKER_START_SECONDS,
            "the worker to start",
        )
        assert self.process.poll() is None, self.log.read_text()[-3000:]

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def pool_children(self) -> list[int]:
        result = subprocess.run(  # noqa: S603
            ["pgrep", "-P", str(self.process.pid)],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        return [int(pid) for pid in result.stdout.split()]

    def kill_group(self) -> None:
        if self.alive():
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.process is not None:
            self.process.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(
            (self.workdir / f"worker-{n}.log").read_text(errors="replace")[-4000:]
            for n in range(1, self.starts + 1)
        )
