"""How much a dashboard counts live: dirty partitions within the budget are counted from the
live tables (the numbers of a direct count); a partition beyond it is read from the summary as
last refreshed, and the page says since when changes wait. PostgreSQL only, like the summary."""

import datetime as dt

import pytest
from django.db import connection

from cases.models import Case
from dashboards import selectors, summary
from dashboards.forms import DashboardFilters, month_end, month_start
from dashboards.models import DirtyPartition
from dashboards.scope import NATIONAL, PROVINCE, DashboardScope
from tests.conftest import need_service
from tests.dashboards.test_summary import canonical


@pytest.fixture(autouse=True)
def _postgresql():
    need_service(connection.vendor == "postgresql", "the summary's triggers are PostgreSQL's")


def _last_month(today: dt.date) -> DashboardFilters:
    return DashboardFilters(date_to=month_end(month_start(today) - dt.timedelta(days=1)))


def test_a_partition_beyond_the_budget_is_read_as_last_summarised(dataset, monkeypatch):
    today, filters, national = dataset.today, _last_month(dataset.today), DashboardScope(NATIONAL)
    summary.summary_rebuild()
    before = selectors.dashboard_data(national, filters, today=today)
    case = dataset.cases[2]
    Case.objects.filter(pk=case.pk).update(sex="male" if case.sex == "female" else "female")
    after = selectors.dashboard_data(national, filters, today=today)
    assert canonical(after["sex_age"]) != canonical(before["sex_age"])
    marks = DirtyPartition.objects.values_list("organisation_id", "province_id", "marked_at")
    assert {(o, p) for o, p, _at in marks} == {(case.organisation_id, case.origin_province_id)}
    written = min(at for *_partition, at in marks)

    # Within the budget: the direct count, and nothing waits.
    counted = summary.dashboard_data(national, filters, today=today)
    assert canonical(counted) == canonical(after)
    assert "changes_waiting_since" not in counted

    # Beyond it: the numbers as they were, and since when the change waits.
    monkeypatch.setattr(summary, "LIVE_CASES", 0)
    waiting = summary.dashboard_data(national, filters, today=today)
    assert waiting.pop("changes_waiting_since") == written
    assert canonical(waiting) == canonical(before)

    # A view the partition is not in counts every change it shows.
    other = "12" if case.origin_province_id != "12" else "01"
    elsewhere = DashboardScope(PROVINCE, province_id=other)
    assert "changes_waiting_since" not in summary.dashboard_data(elsewhere, filters, today=today)

    summary.summary_refresh()
    refreshed = summary.dashboard_data(national, filters, today=today)
    assert "changes_waiting_since" not in refreshed
    assert canonical(refreshed) == canonical(after)


def test_the_page_says_since_when_changes_wait(client_for, officer, dataset, monkeypatch, settings):
    settings.DASHBOARDS_CACHE_SECONDS = 0
    summary.summary_rebuild()
    monkeypatch.setattr(summary, "LIVE_CASES", 0)
    client = client_for(officer)
    assert "not counted yet" not in client.get("/dashboards/").content.decode()
    Case.objects.filter(pk=dataset.cases[2].pk).update(sex="male")
    # The mark's time is the database's: say it was 10:15 in Phnom Penh.
    DirtyPartition.objects.update(marked_at=dt.datetime(2026, 12, 1, 3, 15, tzinfo=dt.UTC))
    page = client.get("/dashboards/").content.decode()
    assert "Changes made since 10:15 to some cases are not counted yet" in page
    client.cookies["django_language"] = "km"
    page = client.get("/dashboards/").content.decode()
    assert "ការផ្លាស់ប្ដូរលើករណីខ្លះ ចាប់ពីម៉ោង ១០:១៥ មិនទាន់បានរាប់នៅឡើយ" in page
    del client.cookies["django_language"]
    summary.summary_refresh()
    assert "not counted yet" not in client.get("/dashboards/").content.decode()
