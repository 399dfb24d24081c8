"""The production stack as it runs, on this machine: the four processes started by the bin/
scripts with the production settings, against PostgreSQL (this test's database, used through
the application's own role after bin/release granted it) and a private Redis on a free port.

A social worker signs in through the browser with the second step (a TOTP code computed here),
opens a case page, records a visit, and sees the reminder the worker delivered; then registers
a survivor whose name and counselling notes are a canary, views and searches the case. The
worker is then killed: /readyz reports beat's heartbeat stale until the worker is started again
(the supervisor's part), and a reminder due after that is delivered. On the
real responses: TLS assumed from X-Forwarded-Proto, the security headers, and static files
hashed, compressed and cached for a year as immutable. In the end no log line of any process
holds the canary, and every request line is JSON with its id, user and organisation.

It needs PostgreSQL, redis-server and chromium, and fails instead of skipping under CI's
REQUIRE_SERVICES=1.
"""

import base64
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone

from cases.models import Case
from followup.models import Notification, Reminder, ReminderKind, VisitStatus
from organisations.models import Role
from tests.browser.test_worker_flow import register_survivor
from tests.conftest import need_service
from tests.followup.factories import planned_visit, reintegrate
from tests.organisations.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
CANARY = "Canarykeo Zyxwvut"
CANARY_NOTES = "Canary-note: she fears the broker Qwertyuiop in Poipet"
HASHED = re.compile(r"\.[0-9a-f]{12}\.(css|js|woff2|svg)$")
YEAR = 365 * 24 * 3600


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, seconds: float, what: str, step: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"Timed out after {seconds}s waiting for {what}")


def database_url(user: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") and user == db["USER"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


class Processes:
    """Each process in its own group, its output in a file; stopped with SIGTERM, then KILL."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.running: dict[str, subprocess.Popen] = {}

    def log(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    def run(self, name: str, command: list[str], env: dict, timeout: float = 240) -> None:
        with self.log(name).open("wb") as log:
            result = subprocess.run(  # noqa: S603 - our own scripts
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=timeout
            )
        assert result.returncode == 0, self.log(name).read_text()[-3000:]

    def start(self, name: str, command: list[str], env: dict) -> None:
        with self.log(name).open("wb") as log:
            self.running[name] = subprocess.Popen(  # noqa: S603
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self, name: str) -> None:
        os.killpg(self.running[name].pid, signal.SIGKILL)
        self.running[name].wait(timeout=10)

    def alive(self, name: str) -> bool:
        return self.running[name].poll() is None

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    def logs(self) -> dict[str, str]:
        return {p.stem: p.read_text(errors="replace") for p in self.workdir.glob("*.log")}


@pytest.fixture
def app_role():
    need_service(connection.vendor == "postgresql", "the production stack runs on PostgreSQL")
    role = f"hc_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN")
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {role}")
        cursor.execute(f"DROP ROLE {role}")


@pytest.fixture
def stack(app_role, places, tmp_path):
    need_service(shutil.which("redis-server") is not None, "redis-server is not installed")
    processes = Processes(tmp_path)
    redis_port, web_port = free_port(), free_port()
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "PYTEST"))
    }
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "VENV": str(Path(sys.executable).parent.parent),
        "SECRET_KEY": "production-stack-" + uuid.uuid4().hex * 2,
        # The test's own key: the cases it creates here are read there.
        "FIELD_ENCRYPTION_KEY": os.environ["FIELD_ENCRYPTION_KEY"],
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{web_port}",
        "DATABASE_URL": database_url(app_role),
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CACHE_URL": f"redis://127.0.0.1:{redis_port}/1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DEFAULT_FROM_EMAIL": "homecoming@example.org",
        "STATIC_ROOT": str(tmp_path / "static"),
        "BIND": f"127.0.0.1:{web_port}",
        "WEB_CONCURRENCY": "2",
        "WORKER_CONCURRENCY": "1",
        "BEAT_SCHEDULE_FILE": str(tmp_path / "beat-schedule"),
        # The heartbeat comes every 3 s here (tests/production_beat_settings.py).
        "BEAT_HEARTBEAT_MAX_AGE": "12",
    }
    processes.env = env
    processes.start(
        "redis",
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", ""],
        env,
    )
    try:
        processes.run("build", ["bin/build"], env)
        processes.run(
            "release",
            ["bin/release"],
            {
                **env,
                "APP_DB_ROLE": app_role,
                "MIGRATE_DATABASE_URL": database_url(connection.settings_dict["USER"]),
            },
        )
        processes.start("web", ["bin/web"], env)
        processes.start("worker", ["bin/worker"], env)
        beat_env = {**env, "DJANGO_SETTINGS_MODULE": "tests.production_beat_settings"}
        processes.start("beat", ["bin/beat"], beat_env)
        wait_for(lambda: answers(web_port) or not processes.alive("web"), 60, "gunicorn")
        assert processes.alive("web"), processes.log("web").read_text()[-3000:]
        yield processes, f"http://127.0.0.1:{web_port}"
    finally:
        processes.stop_all()


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def totp_now(device) -> str:
    import pyotp

    return pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()


def record_visit(page, visit) -> None:
    page.goto(f"/followup/visits/{visit.pk}/")
    form = page.locator("main form").first
    form.locator("[name=visited_on]").fill(timezone.localdate().isoformat())
    form.locator("[name=place]").fill("Family home")
    form.locator("[name=met_survivor]").check()
    for name, value in (("safety", "4"), ("health", "3"), ("family_acceptance", "5")):
        form.locator(f"[name={name}]").select_option(value)
    form.locator("[name=community_acceptance]").select_option("3")
    form.locator("[name=school_or_work]").select_option("employed")
    form.locator("[name=monthly_income_riel]").fill("600000")
    form.locator("[name=debts_riel]").fill("0")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/cases/\d+/$|.*/followup/.*"))


@pytest.mark.real_clock  # the web processes read the real time
def test_production_stack_serves_a_signed_in_worker(stack, chromium, ngo):
    processes, base_url = stack
    owner = UserFactory(username="stack.worker", organisation=ngo, role=Role.SOCIAL_WORKER)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.cases.factories import CaseFactory

    # The suite hashes passwords with MD5, which production does not accept.
    hasher = PBKDF2PasswordHasher()
    owner.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    owner.save(update_fields=["password"])
    device = TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)
    case = reintegrate(CaseFactory(actor=owner), owner)
    today = timezone.localdate()
    to_record = planned_visit(case, on=today, with_reminders=False)
    reminded = planned_visit(case, on=today + dt.timedelta(days=3), with_reminders=False)
    Reminder.objects.create(
        visit=reminded, kind=ReminderKind.UPCOMING, due_at=timezone.now() - dt.timedelta(minutes=1)
    )

    context = chromium.new_context(
        base_url=base_url,
        viewport={"width": 1280, "height": 900},
        # What the TLS proxy in front adds to every request it passes on.
        extra_http_headers={"X-Forwarded-Proto": "https"},
    )
    static_responses = []
    context.on("response", lambda r: "/static/" in r.url and static_responses.append(r))
    page = context.new_page()
    try:
        # Signing in: the password, then the code from the authenticator app.
        login = page.goto("/accounts/login/")
        page.fill("#id_username", owner.username)
        page.fill("#id_password", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/accounts/two-factor/**")
        page.fill("#id_code", totp_now(device))
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/plans/my-work/")  # a worker's home: their work for today

        headers = login.headers
        assert headers["strict-transport-security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
        assert "default-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["x-content-type-options"] == "nosniff"
        assert re.fullmatch(r"[0-9a-f]{32}", headers["x-request-id"])
        assert any(
            c["secure"] and c["httpOnly"] for c in context.cookies() if c["name"] == "sessionid"
        )

        # Static files: hashed names, a year's max-age, immutable, compressed where it pays.
        page.wait_for_load_state("networkidle")
        assert static_responses, "the caseload loaded no static file"
        for response in static_responses:
            assert response.status == 200, response.url
            assert HASHED.search(response.url.split("?")[0]), response.url
            cache_control = response.headers["cache-control"]
            assert "immutable" in cache_control, response.url
            max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))
            assert max_age >= YEAR, response.url
        compressed = {
            r.url.rsplit(".", 1)[-1]: r.headers.get("content-encoding")
            for r in static_responses
            if r.url.endswith((".css", ".js"))
        }
        assert set(compressed) == {"css", "js"}, compressed
        assert all(encoding in ("br", "gzip") for encoding in compressed.values()), compressed

        # Ready: database, migrations, cache, broker, and beat's heartbeat through a worker.
        def ready():
            response = page.request.get("/readyz")
            return response if response.status == 200 else None

        readyz = wait_for(ready, 45, "/readyz to report every check ok", step=1)
        assert readyz.json() == {
            "database": "ok",
            "migrations": "ok",
            "cache": "ok",
            "broker": "ok",
            "beat": "ok",
        }

        # The case page, a visit recorded, and the reminder the worker delivered.
        page.goto(f"/cases/{case.pk}/")
        assert page.get_by_text(case.case_number).first.is_visible()
        record_visit(page, to_record)
        to_record.refresh_from_db()
        assert to_record.status == VisitStatus.DONE

        wait_for(
            lambda: Notification.objects.filter(recipient=owner).exists(),
            45,
            "the worker to deliver the reminder",
            step=0.5,
        )
        page.goto("/followup/notifications/")
        notification = Notification.objects.get(recipient=owner)
        assert page.get_by_text(notification.text).first.is_visible()

        # The canary journey: register, counsel, view, search.
        canary_case = register_survivor(
            page, name=CANARY, name_khmer="ចាន់ សុខា", shots="production-stack"
        )
        page.goto(f"/cases/{canary_case.pk}/sessions/new/")
        page.select_option("#id_kind", "individual")
        page.select_option("#id_setting", "shelter")
        page.fill("#id_duration_minutes", "45")
        page.fill("#id_topics", "family, return")
        page.fill("#id_confidential_notes", CANARY_NOTES)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"**/cases/{canary_case.pk}/")
        assert page.get_by_text(CANARY).first.is_visible()
        page.goto("/cases/")
        page.fill("#id_q", CANARY.split()[0])
        page.locator("form[role=search] button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("#caseload").get_by_text(canary_case.case_number).first.is_visible()

        # The worker dies: /readyz reports beat's heartbeat stale; the supervisor starts the
        # worker again (as systemd's Restart=always and compose's restart policy do), and
        # what falls due afterwards is delivered.
        processes.kill("worker")

        def not_ready():
            response = page.request.get("/readyz")
            return response if response.status == 503 else None

        stale = wait_for(not_ready, 40, "/readyz to report beat's heartbeat stale", step=1)
        assert stale.json() == {
            "database": "ok",
            "migrations": "ok",
            "cache": "ok",
            "broker": "ok",
            "beat": "fail",
        }
        processes.start("worker-restarted", ["bin/worker"], processes.env)
        later = planned_visit(case, on=today + dt.timedelta(days=10), with_reminders=False)
        Reminder.objects.create(visit=later, kind=ReminderKind.UPCOMING, due_at=timezone.now())
        wait_for(ready, 45, "/readyz to be ok again", step=1)
        wait_for(
            lambda: Notification.objects.filter(recipient=owner, reminder__visit=later).exists(),
            45,
            "the restarted worker to deliver",
            step=0.5,
        )
    finally:
        context.close()

    assert Case.objects.filter(pk=canary_case.pk).exists()
    processes.stop_all()
    logs = processes.logs()
    for name, text in logs.items():
        for secret in (CANARY, *CANARY.split(), CANARY_NOTES, "Qwertyuiop"):
            assert secret not in text, f"{secret!r} is in the {name} log"

    # One JSON object per line from the web process, each request with its id and who made it.
    lines = [json.loads(line) for line in logs["web"].splitlines() if line.strip()]
    requests = [line for line in lines if line.get("logger") == "homecoming.request"]
    assert {"time", "level", "request_id", "path", "status", "duration_ms"} <= set(requests[0])
    assert all("?" not in line["path"] for line in requests)
    mine = [line for line in requests if line["path"] == "/cases/" and line["status"] == 200]
    assert mine and all(
        line["user_id"] == owner.pk and line["organisation_id"] == ngo.pk for line in mine
    )
    # The worker and beat log JSON too (as root, Python also warns in plain text: not here).
    for name, task in (("worker-restarted", "succeeded"), ("beat", "Sending due task")):
        records = [json.loads(x) for x in logs[name].splitlines() if x.startswith("{")]
        assert any(task in record["message"] for record in records), logs[name][-2000:]
