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
"""

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Max, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402
from django.utils.http import urlencode  # noqa: E402

from cases.models import Case  # noqa: E402
from dashboards import selectors  # noqa: E402
from dashboards.forms import DashboardFilters  # noqa: E402
from dashboards.scope import dashboard_scope_for  # noqa: E402
from dashboards.services import dashboards_warm  # noqa: E402
from organisations.models import Membership, OrganisationKind, Role  # noqa: E402
from referrals.models import Referral  # noqa: E402

REQUEST_OVERHEAD = 3  # session, user, membership
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--cold-iterations", type=int, default=10)
    arguments = parser.parse_args()
    iterations, cold_iterations = arguments.iterations, arguments.cold_iterations
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False
    cases = Case.objects.count()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, {cases:,} cases")

    national = member(Role.MINISTRY_OFFICER, kind=OrganisationKind.MINISTRY)
    provincial = member(Role.MINISTRY_OFFICER, kind=OrganisationKind.PROVINCIAL_DEPARTMENT)
    biggest = Case.objects.values("organisation_id").annotate(n=Count("pk")).order_by("-n").first()
    supervisor = member(Role.SUPERVISOR, id=biggest["organisation_id"])
    case = (
        Case.objects.filter(organisation_id=biggest["organisation_id"], phase="reintegrated")
        .annotate(n=Count("referrals"))
        .filter(n__gte=2)
        .order_by("pk")
        .first()
    )
    print(
        f"national officer: {national.organisation.name}; provincial officer: "
        f"{provincial.organisation.name} ({provincial.organisation.province_id}); "
        f"caseload: {supervisor.organisation.name} ({biggest['n']:,} cases); case {case.pk}"
    )

    rows, ratios = [], []
    for label, membership in (("national", national), ("provincial", provincial)):
        client = Client()
        client.force_login(membership.user)
        settings.DASHBOARDS_CACHE_SECONDS = 0
        cold = time_page(client, "/dashboards/", cold_iterations, warmup=1)
        rows.append((f"{label} dashboard (cold)", cold, 300 if label == "national" else None))
        settings.DASHBOARDS_CACHE_SECONDS = 300
        cache.clear()
        warm = time_page(client, "/dashboards/", iterations)
        rows.append((f"{label} dashboard (cached)", warm, 300 if label == "national" else None))
        if isinstance(cold, str) or isinstance(warm, str):
            continue
        scope = dashboard_scope_for(membership.user)
        sql, params = selectors.caseload_by_province_queryset(
            scope, DashboardFilters()
        ).query.sql_with_params()
        main_sql = time_sql(sql, params, iterations)
        # Every query of the cold page, run again straight on a cursor (the SQL as sent).
        all_sql = sum(time_sql(q, None, 10) for q in cold["sql"][REQUEST_OVERHEAD:])
        ratios.append((label, main_sql, all_sql, cold["median"], warm["median"]))

    client = Client()
    client.force_login(supervisor.user)
    rows.append(
        ("caseload page /cases/ (20,000-case NGO)", time_page(client, "/cases/", iterations), 50)
    )
    rows.append(
        (f"case page /cases/{case.pk}/", time_page(client, f"/cases/{case.pk}/", iterations), 50)
    )
    try:
        resolve(API_LIST)
        rows.append((f"API list {API_LIST}", time_page(client, API_LIST, iterations), 50))
        latest = Case.objects.filter(organisation_id=biggest["organisation_id"]).aggregate(
            latest=Max("updated_at")
        )["latest"]
        since = f"{API_LIST}?{urlencode({'updated_since': latest.isoformat()})}"
        rows.append(
            ("API list, updated_since the latest change", time_page(client, since, iterations), 50)
        )
    except Resolver404:
        rows.append((f"API list {API_LIST}", None, 50))
    rows.append(("Team page /cases/team/", time_page(client, "/cases/team/", iterations), 50))
    rows.append(
        (
            "overdue visits /followup/overdue/",
            time_page(client, "/followup/overdue/", iterations),
            50,
        )
    )
    inbox = Referral.objects.values("to_organisation_id").annotate(n=Count("pk")).order_by("-n")
    receiver = next(
        (m for row in inbox if (m := member(Role.SUPERVISOR, id=row["to_organisation_id"]))), None
    )
    if receiver is not None:
        receiving = Client()
        receiving.force_login(receiver.user)
        received = Referral.objects.filter(to_organisation=receiver.organisation).count()
        rows.append(
            (
                f"referral inbox /referrals/inbox/ ({received:,} referrals)",
                time_page(receiving, "/referrals/inbox/", iterations),
                50,
            )
        )
    busiest = (
        Case.objects.filter(
            organisation_id=biggest["organisation_id"], assigned_worker__isnull=False
        )
        .exclude(phase="closed")
        .values("assigned_worker_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    worker = Membership.objects.select_related("user").get(
        Q(user_id=busiest["assigned_worker_id"]), organisation_id=biggest["organisation_id"]
    )
    working = Client()
    working.force_login(worker.user)
    rows.append(
        (
            f"my work /plans/my-work/ ({busiest['n']:,} open cases)",
            time_page(working, "/plans/my-work/", iterations),
            50,
        )
    )

    print()
    print("| page | median ms | p95 ms | queries | its SQL ms | page ÷ SQL | target | result |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for name, result, target in rows:
        if result is None:
            print(f"| {name} | – | – | – | – | – | < {target} ms | URL does not resolve |")
            continue
        if isinstance(result, str):
            print(f"| {name} | – | – | – | – | – | < {target} ms | {result} |")
            continue
        verdict = "–" if target is None else ("pass" if result["median"] < target else "FAIL")
        goal = f"< {target} ms" if target else "(none)"
        # The page's own SQL, run again straight on a cursor, and the page as a ratio of it.
        # Its reads only: the writes (the audit rows) are not replayed.
        reads = [q for q in result["sql"][REQUEST_OVERHEAD:] if q.lstrip(" (").startswith("SELECT")]
        own_sql = sum(time_sql(q, None, 10) for q in reads)
        ratio = result["median"] / own_sql if own_sql else float("nan")
        print(
            f"| {name} | {result['median']:.1f} | {result['p95']:.1f} | {result['queries']} "
            f"| {own_sql:.1f} | {ratio:.2f} | {goal} | {verdict} |"
        )
    print()
    print(
        "| dashboard | main aggregate SQL ms | all its SQL ms | page cold ms | cold ÷ all SQL "
        "| target | result | page cached ms |"
    )
    print("|---|---:|---:|---:|---:|---|---|---:|")
    for label, main_sql, all_sql, cold, warm in ratios:
        ratio = cold / all_sql
        verdict = "pass" if ratio <= 1.5 else "FAIL"
        print(
            f"| {label} | {main_sql:.1f} | {all_sql:.1f} | {cold:.1f} | {ratio:.2f} | ≤ 1.5 "
            f"| {verdict} | {warm:.1f} |"
        )
    settings.DASHBOARDS_CACHE_SECONDS = 300
    started = time.perf_counter()
    scopes = dashboards_warm()
    print(
        f"\ncache warming (the beat task, every 240 s): {scopes} unfiltered dashboards "
        f"recomputed in {time.perf_counter() - started:.1f} s"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of this web worker process (max RSS): {peak:.1f} MiB")


if __name__ == "__main__":
    main()
