"""Benchmark the dashboards and the busiest pages against a seeded PostgreSQL database.

    createdb -h 127.0.0.1 -U postgres homecoming_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/homecoming_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_bench --cases 200000
    .venv/bin/python bench/run_bench.py [--iterations 30]

Requests go through Django's test Client in this process (the whole middleware, view and
template stack, no network), signed in with force_login. For each page: median and p95 server
time, query count and the target. For each dashboard: the median time of the raw SQL of its
main aggregate (caseload by province) and of all its queries run directly on a cursor, and the
page's time as a ratio of the latter. Dashboards are timed cold (cache off) and warm (cached).
Then one pass of the beat task that keeps every unfiltered dashboard cached, timed. At the
end, the peak memory of this process, which played the web worker.

To compare two scales, save each run and print them side by side, each figure with its
growth and each page with its page/SQL ratio at both:

    .venv/bin/python bench/run_bench.py --json bench-200k.json       # on the 200,000-case copy
    .venv/bin/python bench/run_bench.py --json bench-1m.json         # on the 1,000,000-case copy
    .venv/bin/python bench/run_bench.py --compare bench-200k.json bench-1m.json

Pages are registered with `@page`: a function of the `Subjects` (who signs in, which
organisation, which case) that yields `Page`s. A page's `key` names it the same way on every
database (no counts or ids in it): --compare matches two runs on it; its `label` may say more.
The subject organisations are the 20,000-case NGO (the first NGO seed_bench fills; the same
size at every scale) and, where another holds more (the 100,000-case one at 1,000,000 cases),
the largest organisation too.
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.storage import staticfiles_storage  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Max, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.http import urlencode  # noqa: E402

from cases.models import Case  # noqa: E402
from config.wsgi import settle  # noqa: E402
from dashboards import selectors  # noqa: E402
from dashboards.forms import DashboardFilters  # noqa: E402
from dashboards.scope import dashboard_scope_for  # noqa: E402
from dashboards.services import dashboards_warm  # noqa: E402
from organisations.models import Membership, Organisation, OrganisationKind, Role  # noqa: E402
from referrals.models import Referral  # noqa: E402
from referrals.selectors import referrals_sharing_with  # noqa: E402

REQUEST_OVERHEAD = 3  # session, user, membership
SQL_ITERATIONS = 10  # times each captured query is run again on a cursor (--sql-iterations)
API_LIST = "/api/v1/cases/"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(round(share * (len(ordered) - 1))), len(ordered) - 1)]


def time_page(client: Client, url: str, iterations: int, warmup: int = 3) -> dict | str:
    try:
        return _time_page(client, url, iterations, warmup)
    except Exception as error:  # noqa: BLE001 - another team's page may be mid-change
        return f"error: {type(error).__name__}: {str(error)[:80]}"


def _time_page(client: Client, url: str, iterations: int, warmup: int) -> dict:
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    timings = []
    for _ in range(iterations):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return {
        "median": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "queries": len(captured),
        "sql": [q["sql"] for q in captured.captured_queries],
    }


def time_sql(sql: str, params, iterations: int) -> float:
    timings = []
    with connection.cursor() as cursor:
        for _ in range(iterations + 1):
            started = time.perf_counter()
            cursor.execute(sql, params)
            if cursor.description is not None:  # a statement that returns no rows
                cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings[1:])


def member(role: str, **organisation) -> Membership:
    return (
        Membership.objects.select_related("user", "organisation")
        .filter(role=role, **{f"organisation__{k}": v for k, v in organisation.items()})
        .order_by("organisation__short_name", "user_id")
        .first()
    )


# --- who and what is measured ---------------------------------------------------------------


@dataclass
class Subject:
    """An organisation whose pages are measured, signed in as its supervisor."""

    key: str  # the same at every scale: "20,000-case NGO", "largest organisation"
    label: str  # with this database's count
    organisation_id: int
    supervisor: Membership
    client: Client = field(default_factory=Client)


@dataclass
class Subjects:
    national: Membership
    provincial: Membership
    organisations: list[Subject]


@dataclass
class Page:
    key: str  # how --compare matches two runs: no counts or ids
    label: str
    client: Client
    url: str
    target: float | None = 50


PAGES: list[Callable[[Subjects], Iterator[Page]]] = []


def page(pages: Callable[[Subjects], Iterator[Page]]):
    """Register a function that yields the pages to time."""
    PAGES.append(pages)
    return pages


def subjects() -> Subjects:
    counts = dict(
        Case.objects.values("organisation_id")
        .annotate(n=Count("pk"))
        .values_list("organisation_id", "n")
    )
    largest = max(counts, key=counts.get)
    # seed_bench's first NGO holds 20,000 cases at any total; another database: the largest.
    first_ngo = (
        Organisation.objects.filter(kind=OrganisationKind.NGO, pk__in=counts)
        .order_by("short_name")
        .values_list("pk", flat=True)
        .first()
    )
    main = first_ngo if counts.get(first_ngo, 0) >= 20_000 else largest
    chosen = [(main, "20,000-case NGO")]
    if largest != main:
        chosen.append((largest, "largest organisation"))
    organisations = []
    for organisation_id, key in chosen:
        subject = Subject(
            key=key,
            label=f"{key}, {counts[organisation_id]:,} cases",
            organisation_id=organisation_id,
            supervisor=member(Role.SUPERVISOR, id=organisation_id),
        )
        subject.client.force_login(subject.supervisor.user)
        organisations.append(subject)
    return Subjects(
        national=member(Role.MINISTRY_OFFICER, kind=OrganisationKind.MINISTRY),
        provincial=member(Role.MINISTRY_OFFICER, kind=OrganisationKind.PROVINCIAL_DEPARTMENT),
        organisations=organisations,
    )


# --- the pages ------------------------------------------------------------------------------


def _each_organisation(name: str, title: str, path: str) -> Callable:
    """Register a page of one organisation's own work, timed for each subject organisation."""

    def pages(subjects: Subjects) -> Iterator[Page]:
        for subject in subjects.organisations:
            yield Page(
                f"{title} {path} ({subject.key})",
                f"{title} {path} ({subject.label})",
                subject.client,
                path,
            )

    pages.__name__ = name
    return page(pages)


caseload_pages = _each_organisation("caseload_pages", "caseload page", "/cases/")


@page
def case_page(subjects: Subjects) -> Iterator[Page]:
    subject = subjects.organisations[0]
    case = (
        Case.objects.filter(organisation_id=subject.organisation_id, phase="reintegrated")
        .annotate(n=Count("referrals"))
        .filter(n__gte=2)
        .order_by("pk")
        .first()
    )
    yield Page("case page /cases/<id>/", f"case page /cases/{case.pk}/", subject.client,
               f"/cases/{case.pk}/")  # fmt: skip
    # A case another organisation shares with it: found among that case's grants.
    organisation = Organisation.objects.get(pk=subject.organisation_id)
    shared = referrals_sharing_with(organisation).order_by("case_id").values("case_id").first()
    if shared is not None:
        pk = shared["case_id"]
        yield Page("shared case page /cases/<id>/", f"shared case page /cases/{pk}/",
                   subject.client, f"/cases/{pk}/")  # fmt: skip


@page
def api_list(subjects: Subjects) -> Iterator[Page]:
    try:
        resolve(API_LIST)
    except Resolver404:
        return
    subject = subjects.organisations[0]
    yield Page(f"API list {API_LIST}", f"API list {API_LIST}", subject.client, API_LIST)
    latest = Case.objects.filter(organisation_id=subject.organisation_id).aggregate(
        latest=Max("updated_at")
    )["latest"]
    since = f"{API_LIST}?{urlencode({'updated_since': latest.isoformat()})}"
    label = "API list, updated_since the latest change"
    yield Page(label, label, subject.client, since)


team_pages = _each_organisation("team_pages", "Team page", "/cases/team/")


overdue_pages = _each_organisation("overdue_pages", "overdue visits", "/followup/overdue/")


@page
def referral_inbox(subjects: Subjects) -> Iterator[Page]:
    inbox = Referral.objects.values("to_organisation_id").annotate(n=Count("pk")).order_by("-n")
    receiver = next(
        (m for row in inbox if (m := member(Role.SUPERVISOR, id=row["to_organisation_id"]))), None
    )
    if receiver is None:
        return
    client = Client()
    client.force_login(receiver.user)
    received = Referral.objects.filter(to_organisation=receiver.organisation).count()
    yield Page(
        "referral inbox /referrals/inbox/ (the busiest)",
        f"referral inbox /referrals/inbox/ ({received:,} referrals)",
        client,
        "/referrals/inbox/",
    )


@page
def my_work_pages(subjects: Subjects) -> Iterator[Page]:
    for subject in subjects.organisations:
        busiest = (
            Case.objects.filter(
                organisation_id=subject.organisation_id, assigned_worker__isnull=False
            )
            .exclude(phase="closed")
            .values("assigned_worker_id")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        worker = Membership.objects.select_related("user").get(
            Q(user_id=busiest["assigned_worker_id"]), organisation_id=subject.organisation_id
        )
        client = Client()
        client.force_login(worker.user)
        yield Page(
            f"my work /plans/my-work/ (busiest worker, {subject.key})",
            f"my work /plans/my-work/ ({busiest['n']:,} open cases, {subject.key})",
            client,
            "/plans/my-work/",
        )


# --- measuring ------------------------------------------------------------------------------


def reads(result: dict) -> list[str]:
    """A page's reads, a statement that begins with a common table expression included (the
    caseload's page of ids): the writes (the audit rows, a cache's) are not replayed."""
    return [
        q for q in result["sql"][REQUEST_OVERHEAD:] if q.lstrip(" (").startswith(("SELECT", "WITH"))
    ]


def own_sql_ms(result: dict) -> float:
    """The page's own SQL, run again straight on a cursor."""
    return sum(time_sql(q, None, SQL_ITERATIONS) for q in reads(result))


def measure_pages(subjects: Subjects, iterations: int) -> list[dict]:
    rows = []
    for pages in PAGES:
        try:
            found = list(pages(subjects))
        except Exception as error:  # noqa: BLE001 - another team's page may be mid-change
            name = pages.__name__
            rows.append({"key": name, "label": name, "target": 50, "error": repr(error)[:100]})
            continue
        for item in found:
            row = {"key": item.key, "label": item.label, "target": item.target}
            result = time_page(item.client, item.url, iterations)
            if isinstance(result, str):
                row["error"] = result
            else:
                sql = own_sql_ms(result)
                row.update(
                    median=result["median"],
                    p95=result["p95"],
                    queries=result["queries"],
                    sql_ms=sql,
                    ratio=result["median"] / sql if sql else None,
                )
            rows.append(row)
            progress(row, "median")
    return rows


def progress(row: dict, figure: str) -> None:
    """A long run (1,000,000 cases) shows each figure as it comes, on stderr."""
    value = row.get(figure)
    shown = f"{value:.1f} ms" if value is not None else row.get("error", "–")
    print(f"  {row['key']}: {shown}", file=sys.stderr, flush=True)


# Dashboard views timed from scratch: (key, who, query). Filters of every kind, and a
# national view read while every partition of the largest organisation is dirty (its cases
# just written to, not yet refreshed into the summary).
DASHBOARD_VIEWS = [
    ("national dashboard", "national", ""),
    ("national, last 12 months", "national", "?date_from={year_ago}&date_to={last_month}"),
    ("national, one province", "national", "?province=01"),
    ("national, girls, forced labour", "national",
     "?sex=female&age=minor&exploitation_form=forced_labour"),
    ("national, the largest organisation", "national", "?organisation={largest}"),
    ("national, largest organisation dirty", "national", "dirty"),
    ("provincial dashboard", "provincial", ""),
    ("provincial, men", "provincial", "?sex=male"),
    ("supervisor's own organisation", "supervisor", ""),
]  # fmt: skip


class RolledBack(Exception):
    pass


@contextlib.contextmanager
def every_partition_dirty(organisation_id: int):
    """Inside, every summary partition of the organisation is marked dirty, as just written
    to; on leaving, the marks and whatever was done meanwhile are rolled back. Yields how many
    partitions were marked."""
    from dashboards.models import DirtyPartition

    try:
        with transaction.atomic():
            partitions = (
                Case.objects.filter(organisation_id=organisation_id)
                .values_list("organisation_id", "origin_province_id")
                .order_by()
                .distinct()
            )
            DirtyPartition.objects.bulk_create(
                DirtyPartition(organisation_id=o, province_id=p) for o, p in partitions
            )
            yield len(partitions)
            raise RolledBack
    except RolledBack:
        pass


def _dirty_time(client: Client, organisation_id: int, iterations: int) -> dict | str:
    """The national dashboard while every partition of the organisation is dirty."""
    with every_partition_dirty(organisation_id) as marked:
        result = time_page(client, "/dashboards/", iterations, warmup=1)
        if isinstance(result, dict):
            result["dirty_partitions"] = marked
    return result


def refresh_seconds(organisation_id: int) -> tuple[int, float] | None:
    """How long the beat's summary refresh takes to recompute every partition of the
    organisation (then rolled back): how long its changes may wait to be counted on a
    dashboard that reads them as last refreshed."""
    from dashboards.summary import summary_refresh

    if connection.vendor != "postgresql":
        return None
    with every_partition_dirty(organisation_id):
        started = time.perf_counter()
        done = summary_refresh()
        result = (done, time.perf_counter() - started)
    return result


def measure_dashboards(subjects: Subjects, iterations: int, cold_iterations: int) -> list[dict]:
    rows = []
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    first = last_month.year * 12 + last_month.month - 1 - 11  # twelve months to last month
    values = {
        "year_ago": f"{first // 12}-{first % 12 + 1:02d}",
        "last_month": f"{last_month:%Y-%m}",
        "largest": subjects.organisations[-1].organisation_id,
    }
    who = {
        "national": subjects.national,
        "provincial": subjects.provincial,
        "supervisor": subjects.organisations[0].supervisor,
    }
    clients = {}
    for key, person, query in DASHBOARD_VIEWS:
        if person not in clients:
            clients[person] = Client()
            clients[person].force_login(who[person].user)
        client = clients[person]
        settings.DASHBOARDS_CACHE_SECONDS = 0
        row = {"key": key, "label": key, "target": 300}
        if query == "dirty":
            cold = _dirty_time(client, values["largest"], cold_iterations)
            url = "/dashboards/"
        else:
            url = "/dashboards/" + query.format(**values)
            cold = time_page(client, url, cold_iterations, warmup=1)
        settings.DASHBOARDS_CACHE_SECONDS = 300
        cache.clear()
        warm = time_page(client, url, iterations)
        if isinstance(cold, str) or isinstance(warm, str):
            row["error"] = cold if isinstance(cold, str) else warm
            rows.append(row)
            continue
        scope = dashboard_scope_for(who[person].user)
        sql, params = selectors.caseload_by_province_queryset(
            scope, DashboardFilters()
        ).query.sql_with_params()
        # Every query of the cold page, run again straight on a cursor (the SQL as sent; for
        # the dirty view, on the database as it is after the rollback: a lower bound).
        all_sql = own_sql_ms(cold)
        row.update(
            label=f"{key} ({cold['dirty_partitions']} partitions)"
            if "dirty_partitions" in cold
            else key,
            main_sql=time_sql(sql, params, iterations),
            all_sql=all_sql,
            cold=cold["median"],
            cold_p95=cold["p95"],
            cold_queries=cold["queries"],
            warm=warm["median"],
            warm_queries=warm["queries"],
            ratio=cold["median"] / all_sql if all_sql else None,
        )
        rows.append(row)
        progress(row, "cold")
    return rows


# --- printing -------------------------------------------------------------------------------


def number(value, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


# A page's target is both: its median under its time, and at most this many times its own
# SQL time (the time Django takes around the SQL). Dashboards have the time alone.
PAGE_SQL_RATIO = 1.5


def verdict(median, target) -> str:
    if target is None or median is None:
        return "–"
    return "pass" if median < target else "FAIL"


def page_goal(target) -> str:
    return f"< {target:g} ms, ≤ {PAGE_SQL_RATIO:g} × SQL" if target else "(none)"


def page_verdict(row: dict, target) -> str:
    """The time and the ratio to its SQL, each said when missed."""
    if target is None or row.get("median") is None:
        return "–"
    missed = [] if row["median"] < target else ["time"]
    if row.get("ratio") is None or row["ratio"] > PAGE_SQL_RATIO:
        missed.append("ratio")
    return f"FAIL ({', '.join(missed)})" if missed else "pass"


def print_run(run: dict) -> None:
    print()
    print("| page | median ms | p95 ms | queries | its SQL ms | page ÷ SQL | target | result |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for row in run["pages"]:
        goal = page_goal(row["target"])
        if "error" in row:
            print(f"| {row['label']} | – | – | – | – | – | {goal} | {row['error']} |")
            continue
        print(
            f"| {row['label']} | {row['median']:.1f} | {row['p95']:.1f} | {row['queries']} "
            f"| {row['sql_ms']:.1f} | {number(row['ratio'], 2)} | {goal} "
            f"| {page_verdict(row, row['target'])} |"
        )
    print()
    print(
        "| dashboard | main aggregate SQL ms | all its SQL ms | page cold ms | cold ÷ all SQL "
        "| target (cold) | result | page cached ms |"
    )
    print("|---|---:|---:|---:|---:|---|---|---:|")
    for row in run["dashboards"]:
        if "error" in row:
            print(f"| {row['label']} | – | – | – | – | < 300 ms | {row['error']} | – |")
            continue
        print(
            f"| {row['label']} | {row['main_sql']:.1f} | {row['all_sql']:.1f} | {row['cold']:.1f} "
            f"| {number(row['ratio'], 2)} | < 300 ms "
            f"| {verdict(row['cold'], 300)} | {row['warm']:.1f} |"
        )
    if run.get("refresh"):
        print(
            f"\nsummary refresh of the largest organisation's {run['refresh'][0]} partitions: "
            f"{run['refresh'][1]:.1f} s"
        )
    if run["warming_seconds"] is not None:
        print(
            f"\ncache warming (the beat task, every 240 s): {run['warmed']} unfiltered "
            f"dashboards recomputed in {run['warming_seconds']:.1f} s"
        )
    print(f"\npeak memory of this web worker process (max RSS): {run['peak_mib']:.1f} MiB")


def growth(a, b) -> str:
    return f"{b / a:.2f}×" if a and b is not None else "–"


def print_comparison(a: dict, b: dict) -> None:
    """Each figure of two runs side by side, matched on the page's key."""
    for name, run in (("A", a), ("B", b)):
        print(
            f"{name}: {run['cases']:,} cases, {run['database']}, {run['when']}, "
            f"load average {run['load']}, jit {run.get('jit', '–')}"
        )
    print()
    print(
        "| page | A median ms | B median ms | growth B ÷ A | A page ÷ SQL | B page ÷ SQL "
        "| queries A / B | target | B result |"
    )
    print("|---|---:|---:|---:|---:|---:|---|---|---|")
    before = {row["key"]: row for row in a["pages"]}
    keys = [row["key"] for row in b["pages"]] + [
        row["key"] for row in a["pages"] if row["key"] not in {r["key"] for r in b["pages"]}
    ]
    after = {row["key"]: row for row in b["pages"]}
    for key in keys:
        old, new = before.get(key, {}), after.get(key, {})
        target = new.get("target") or old.get("target")
        goal = page_goal(target)
        result = new.get("error") or page_verdict(new, target)
        print(
            f"| {key} | {number(old.get('median'))} | {number(new.get('median'))} "
            f"| {growth(old.get('median'), new.get('median'))} | {number(old.get('ratio'), 2)} "
            f"| {number(new.get('ratio'), 2)} | {old.get('queries', '–')} / "
            f"{new.get('queries', '–')} | {goal} | {result} |"
        )
    print()
    print(
        "| dashboard | A cold ms | B cold ms | growth B ÷ A | A cold ÷ SQL | B cold ÷ SQL "
        "| A cached ms | B cached ms | target (cold) | B result |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    before = {row["key"]: row for row in a["dashboards"]}
    for new in b["dashboards"]:
        old = before.get(new["key"], {})
        result = new.get("error") or verdict(new.get("cold"), 300)
        print(
            f"| {new['key']} | {number(old.get('cold'))} | {number(new.get('cold'))} "
            f"| {growth(old.get('cold'), new.get('cold'))} | {number(old.get('ratio'), 2)} "
            f"| {number(new.get('ratio'), 2)} | {number(old.get('warm'))} "
            f"| {number(new.get('warm'))} | < 300 ms | {result} |"
        )
    refreshes = [run.get("refresh") for run in (a, b)]
    print(
        "\nsummary refresh of the largest organisation: "
        + " → ".join(f"{r[1]:.1f} s ({r[0]} partitions)" if r else "–" for r in refreshes)
    )
    print(
        f"\ncache warming: {number(a['warming_seconds'])} s → {number(b['warming_seconds'])} s; "
        f"peak memory {a['peak_mib']:.0f} → {b['peak_mib']:.0f} MiB"
    )


def main() -> None:
    global SQL_ITERATIONS  # noqa: PLW0603 - one knob for every replay
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--cold-iterations", type=int, default=10)
    parser.add_argument("--sql-iterations", type=int, default=SQL_ITERATIONS)
    parser.add_argument(
        "--no-warming", action="store_true", help="skip the cache-warming pass (long at 1M)"
    )
    parser.add_argument(
        "--only", choices=("pages", "dashboards"), help="measure the pages or the dashboards only"
    )
    parser.add_argument("--json", type=Path, help="also save the results to this file")
    parser.add_argument(
        "--compare", nargs=2, type=Path, metavar=("A.json", "B.json"),
        help="print two saved runs side by side (no database needed)",
    )  # fmt: skip
    arguments = parser.parse_args()
    if arguments.compare:
        first, second = (json.loads(path.read_text()) for path in arguments.compare)
        print_comparison(first, second)
        return
    SQL_ITERATIONS = arguments.sql_iterations
    manifest = getattr(staticfiles_storage, "manifest_name", None)
    if manifest and not staticfiles_storage.exists(manifest):
        # Pages are served as in production (DEBUG off), from the collected static files.
        sys.exit("The static files are not collected: run bin/build, then the benchmark.")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False
    run = {
        "database": f"{connection.vendor} {connection.settings_dict['NAME']}",
        "cases": Case.objects.count(),
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load": " ".join(f"{value:.1f}" for value in os.getloadavg()),
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            run["jit"] = cursor.fetchone()[0]
    print(
        f"database: {run['database']}, {run['cases']:,} cases, load average {run['load']}, "
        f"jit {run.get('jit', '–')}"
    )
    if run.get("jit") == "on":
        # cases/migrations/0013 sets it on the database; a copy made with `createdb -T` does
        # not inherit a database's settings.
        print(
            f"WARNING: jit is on: ALTER DATABASE {connection.settings_dict['NAME']} SET jit = off"
        )
    chosen = subjects()
    settle()  # as each web worker does before it serves (config/gunicorn.conf.py)
    print(
        f"national officer: {chosen.national.organisation.name}; provincial officer: "
        f"{chosen.provincial.organisation.name} ({chosen.provincial.organisation.province_id}); "
        f"organisations: {'; '.join(s.label for s in chosen.organisations)}"
    )
    run["dashboards"] = (
        []
        if arguments.only == "pages"
        else measure_dashboards(chosen, arguments.iterations, arguments.cold_iterations)
    )
    run["pages"] = (
        [] if arguments.only == "dashboards" else measure_pages(chosen, arguments.iterations)
    )
    if arguments.only != "pages":
        run["refresh"] = refresh_seconds(chosen.organisations[-1].organisation_id)
    settings.DASHBOARDS_CACHE_SECONDS = 300
    run["warmed"], run["warming_seconds"] = 0, None
    if not arguments.no_warming:
        started = time.perf_counter()
        run["warmed"] = dashboards_warm()
        run["warming_seconds"] = time.perf_counter() - started
    run["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    run["load_after"] = " ".join(f"{value:.1f}" for value in os.getloadavg())
    print_run(run)
    if arguments.json:
        arguments.json.write_text(json.dumps(run, indent=1))
        print(f"saved to {arguments.json}")


if __name__ == "__main__":
    main()
