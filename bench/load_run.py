"""A bounded load run against the production stack on loopback: gunicorn with the production
settings (bin/web) and N workers, signed-in clients for a fixed time, on a seeded database.

    createdb -h 127.0.0.1 -U postgres homecoming_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/homecoming_bench
    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python manage.py migrate
    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python manage.py seed_bench
    bin/build
    .venv/bin/python bench/load_run.py --clients 16 --seconds 60 --workers 4 [--think 2]

Each client is a member of the organisation with the most cases, signed in with a verified
second step (its session is written here, as the sign-in would write it), and loops over a mix:
the caseload (35 %), a case page (35 %), the API's case list (20 %) and recording a follow-up
visit (10 %: the visit page, then the form posted with its tokens). By default a client sends
its next request as soon as the last is answered; `--think SECONDS` pauses it between requests
for an exponentially distributed think time of that mean, as people reading a page would. It
prints the offered load (with think time, at most clients / think requests a second), the
throughput, p50/p95/p99 latency per kind and overall, and every error. It records real
visits: run it on a benchmark database only. Nothing listens beyond 127.0.0.1.
"""

import argparse
import html.parser
import http.client
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIX = (("caseload", 35), ("case page", 35), ("api list", 20), ("visit record", 10))


def production_env(port: int) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "load-run-" + uuid.uuid4().hex * 2),
        "FIELD_ENCRYPTION_KEY": os.environ.get(
            "FIELD_ENCRYPTION_KEY", "vBJlDp6m0SjrCp64fk2kmtGCx4Wo1EVXp54IlLeBpmg="
        ),
        "ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DEFAULT_FROM_EMAIL": "homecoming@example.org",
        "CACHE_URL": os.environ.get(
            "CACHE_URL", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")
        ),
        "BIND": f"127.0.0.1:{port}",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(clients: int) -> tuple[list[str], list[int], list[int]]:
    """Sessions for `clients` members of the largest organisation, the cases they see and the
    planned visits they may record."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cases.models import Case
    from followup.models import FollowUpVisit, VisitStatus
    from organisations.models import Membership, Role

    biggest = Case.objects.values("organisation_id").annotate(n=Count("pk")).order_by("-n")[0]
    organisation = biggest["organisation_id"]
    members = list(
        Membership.objects.filter(organisation_id=organisation, role=Role.SUPERVISOR)
        .select_related("user")
        .order_by("user_id")
    )
    sessions = []
    now = int(time.time())
    for index in range(clients):
        user = members[index % len(members)].user
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="load run", defaults={"confirmed": True}
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session["signed_in_at"] = session["last_seen"] = now
        session.create()
        sessions.append(session.session_key)
    cases = list(
        Case.objects.filter(organisation_id=organisation).values_list("pk", flat=True)[:5000]
    )
    visits = list(
        FollowUpVisit.objects.filter(
            case__organisation_id=organisation,
            status=VisitStatus.PLANNED,
            scheduled_for__lte=timezone.localdate(),
        ).values_list("pk", flat=True)[:5000]
    )
    print(
        f"database {os.environ.get('DATABASE_URL', '').rsplit('/', 1)[-1]}: "
        f"{Case.objects.count():,} cases; organisation {organisation} with {biggest['n']:,} "
        f"cases; {len(members)} supervisors; {len(visits):,} visits to record"
    )
    return sessions, cases, visits


class HiddenInputs(html.parser.HTMLParser):
    """The hidden fields of the first form in <main> (CSRF and any one-time token)."""

    def __init__(self):
        super().__init__()
        self.in_main = self.done = False
        self.in_form = False
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        elif tag == "form" and self.in_main and not self.done:
            self.in_form = True
        elif tag == "input" and self.in_form and attrs.get("type") == "hidden":
            self.fields[attrs.get("name", "")] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True


class Client:
    def __init__(self, port: int, session: str):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies = {"sessionid": session}
        self.origin = f"https://127.0.0.1:{port}"

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Accept-Encoding": "gzip",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data


def record_visit(client: Client, visit: int) -> int:
    status, page = client.request("GET", f"/followup/visits/{visit}/")
    if status != 200:
        return status
    import gzip

    if page[:2] == b"\x1f\x8b":
        page = gzip.decompress(page)
    form = HiddenInputs()
    form.feed(page.decode())
    fields = {
        **form.fields,
        "visited_on": time.strftime("%Y-%m-%d"),
        "place": "Family home",
        "met_survivor": "on",
        "safety": "4",
        "health": "3",
        "family_acceptance": "4",
        "community_acceptance": "3",
        "school_or_work": "employed",
        "monthly_income_riel": "500000",
        "debts_riel": "0",
    }
    status, _ = client.request("POST", f"/followup/visits/{visit}/", urllib.parse.urlencode(fields))
    return 200 if status == 302 else status


def run_client(port, session, cases, visits, until, results, errors, lock, think=0.0):
    client = Client(port, session)
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    while time.monotonic() < until:
        if think:
            pause = random.expovariate(1 / think)  # noqa: S311 - a load model, not a secret
            time.sleep(max(0.0, min(pause, until - time.monotonic())))
            if time.monotonic() >= until:
                break
        kind = random.choice(kinds)  # noqa: S311 - a load mix, not a secret
        started = time.perf_counter()
        try:
            if kind == "caseload":
                status, _ = client.request("GET", "/cases/")
            elif kind == "case page":
                status, _ = client.request("GET", f"/cases/{random.choice(cases)}/")  # noqa: S311
            elif kind == "api list":
                status, _ = client.request("GET", "/api/v1/cases/?page_size=50")
            else:
                with lock:
                    visit = visits.pop() if visits else None
                if visit is None:
                    continue
                status = record_visit(client, visit)
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            results[kind].append(elapsed)
            if status != 200:
                errors[(kind, status)] += 1


def offered_load(clients: int, think: float) -> str:
    """What the clients ask of the server: a closed loop offers as much as the server answers
    without think time, and at most clients / think requests a second with it."""
    if not think:
        return (
            f"offered load: {clients} clients without think time, each sending its next request "
            "as soon as the last is answered (as much as the server can take)"
        )
    return (
        f"offered load: {clients} clients, mean think time {think:g} s (exponential): "
        f"at most {clients / think:.1f} requests/s"
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(round(share * (len(ordered) - 1))), len(ordered) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="mean of the exponential think time between a client's requests (0: none)",
    )
    arguments = parser.parse_args()
    if arguments.think < 0:
        parser.error("--think must be 0 or more seconds")
    port = free_port()
    env = production_env(port)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    sessions, cases, visits = prepare(arguments.clients)
    random.shuffle(visits)

    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / "homecoming-load-run.log", "wb")  # noqa: SIM115,S108
    web = subprocess.Popen(  # noqa: S603
        [str(ROOT / "bin" / "web")],
        cwd=ROOT,
        env={
            **env,
            "WEB_CONCURRENCY": str(arguments.workers),
            "VENV": str(Path(sys.executable).parents[1]),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.3)
        for session in sessions[:1]:  # one warm-up pass per page kind
            client = Client(port, session)
            for path in ("/cases/", f"/cases/{cases[0]}/", "/api/v1/cases/?page_size=50"):
                status, _ = client.request("GET", path)
                if status != 200:
                    raise SystemExit(f"{path} answered {status}: see {log.name}")

        results: dict[str, list[float]] = defaultdict(list)
        errors: dict[tuple, int] = defaultdict(int)
        lock = threading.Lock()
        started = time.monotonic()
        until = started + arguments.seconds
        threads = [
            threading.Thread(
                target=run_client,
                args=(port, s, cases, visits, until, results, errors, lock, arguments.think),
            )
            for s in sessions
        ]
        print(offered_load(arguments.clients, arguments.think))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        os.killpg(web.pid, 15)
        web.wait(timeout=30)
        log.close()

    every = [t for values in results.values() for t in values]
    print(
        f"{arguments.clients} clients, {arguments.workers} gunicorn workers, {elapsed:.0f} s, "
        f"{os.cpu_count()} cores: {len(every):,} requests, {len(every) / elapsed:.1f}/s, "
        f"errors {sum(errors.values())}"
    )
    if arguments.think and every:
        # A closed loop: each client offers one request per (think time + response time).
        mean_response = statistics.fmean(every) / 1000
        print(
            f"offered at the measured mean response time of {mean_response * 1000:.0f} ms: "
            f"{arguments.clients / (arguments.think + mean_response):.1f} requests/s"
        )
    print(f"{'kind':<14}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind, _ in (*MIX, ("all", 0)):
        values = every if kind == "all" else results.get(kind, [])
        if values:
            print(
                f"{kind:<14}{len(values):>8}{statistics.median(values):>9.0f}"
                f"{percentile(values, 0.95):>9.0f}{percentile(values, 0.99):>9.0f}"
            )
    for (kind, status), count in sorted(errors.items(), key=str):
        print(f"error: {kind} answered {status} × {count}")
    if shutil.which("uptime"):
        print("load:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())  # noqa: S607


if __name__ == "__main__":
    main()
