"""Dashboards computed from scratch (cache off), from the summary tables and directly.

    DJANGO_SETTINGS_MODULE=config.settings.local DEBUG=0 DATABASE_URL=... \\
        .venv/bin/python bench/dashboards_summary_bench.py [--iterations 7]

For each view (national, provincial and a supervisor's, unfiltered and filtered): the median
page time through the test client with the summary and with the direct selectors, the query
count, and the time of the page's own SQL run again on a cursor (page/SQL ratio).
"""

import argparse
import os
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
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cases.models import Case  # noqa: E402
from dashboards import selectors, summary  # noqa: E402
from organisations.models import Membership, OrganisationKind, Role  # noqa: E402

VIEWS = [
    ("national", ""),
    ("national", "?date_from=2025-12&date_to=2026-11"),
    ("national", "?province=01"),
    ("national", "?sex=female&age=minor&exploitation_form=forced_labour"),
    ("national", "?organisation={org}"),
    ("national", "?organisation={org}&province=01"),
    ("provincial", ""),
    ("provincial", "?sex=male"),
    ("supervisor", ""),
    ("supervisor", "?age=minor"),
]


def member(role, **organisation):
    return (
        Membership.objects.select_related("user", "organisation")
        .filter(role=role, **{f"organisation__{k}": v for k, v in organisation.items()})
        .order_by("organisation__short_name", "user_id")
        .first()
    )


def timed(client, url, iterations):
    client.get(url)
    times = []
    for _ in range(iterations):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return statistics.median(times), list(captured.captured_queries)


def sql_time(queries, iterations=3):
    totals = []
    for _ in range(iterations):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for query in queries:
                cursor.execute(query["sql"])
        totals.append((time.perf_counter() - started) * 1000)
    return statistics.median(totals)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=7)
    iterations = parser.parse_args().iterations
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DASHBOARDS_CACHE_SECONDS = 0
    # No collectstatic needed: the pages' static links are not what is measured.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    print(f"{Case.objects.count():,} cases; summary rows: {summary.SummaryRow.objects.count():,}")
    biggest = Case.objects.values("organisation_id").annotate(n=Count("pk")).order_by("-n")[0]
    users = {
        "national": member(Role.MINISTRY_OFFICER, kind=OrganisationKind.MINISTRY),
        "provincial": member(Role.MINISTRY_OFFICER, kind=OrganisationKind.PROVINCIAL_DEPARTMENT),
        "supervisor": member(Role.SUPERVISOR, id=biggest["organisation_id"]),
    }
    direct = summary.dashboard_data
    print(f"{'view':58} {'summary':>8} {'q':>3} {'SQL':>6} {'ratio':>5} {'direct':>8} {'q':>3}")
    for who, query in VIEWS:
        client = Client()
        client.force_login(users[who].user)
        url = "/dashboards/" + query.format(org=biggest["organisation_id"])
        summary.dashboard_data = direct
        fast, queries = timed(client, url, iterations)
        sql = sql_time(queries[3:])
        summary.dashboard_data = selectors.dashboard_data
        slow, slow_queries = timed(client, url, max(3, iterations // 2))
        summary.dashboard_data = direct
        print(
            f"{who + ' ' + url:58} {fast:7.0f}  {len(queries):3} {sql:6.0f} {fast / sql:5.1f} "
            f"{slow:7.0f}  {len(slow_queries):3}",
            flush=True,
        )


if __name__ == "__main__":
    main()
