"""The attacks an officer can run by comparing views, and what the cell key method shows them."""

import csv
import datetime as dt
import io
import statistics

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from dashboards import disclosure
from dashboards.forms import DashboardFilters
from dashboards.scope import dashboard_scope_for
from dashboards.tables import dashboard_tables

from .conftest import _case, months_ago

pytestmark = pytest.mark.django_db

PROVINCE_CSV = reverse("dashboards:export", args=["province", "csv"])


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def _province_value(scope, code: str, today: dt.date) -> str:
    cache.clear()
    table = dashboard_tables(scope, DashboardFilters(), today=today)[0]
    return table.body()[table.row_keys.index(code)][1]


def _cases(owner, n, *, province="01", sex="female", minor=False, intake):
    return [
        _case(owner, province=province, sex=sex, minor=minor, form="forced_labour",
              movement="internal", intake=intake)
        for _ in range(n)
    ]  # fmt: skip


def test_one_day_apart_the_views_are_the_same(client_for, officer, owner):
    """The attack as found: date_to one day apart showed 40 and 39, so exactly one case."""
    today = timezone.localdate()
    day = months_ago(today, 2, 24)
    _cases(owner, 39, intake=day - dt.timedelta(days=1))
    _cases(owner, 1, sex="male", minor=True, intake=day)
    client = client_for(officer)
    through_day = _rows(client.get(PROVINCE_CSV, {"date_to": day.isoformat()}))
    through_eve = _rows(client.get(PROVINCE_CSV, {"date_to": str(day - dt.timedelta(days=1))}))
    one_day = _rows(client.get(PROVINCE_CSV, {"date_from": str(day), "date_to": str(day)}))
    assert through_day == through_eve  # periods are whole months: nothing tells the day apart
    counts = {row[0]: row[1] for row in one_day if len(row) == 2}
    assert counts["Banteay Meanchey"] not in ("1", "<5")  # the month's 40 cases, not the day's


def test_no_current_partial_month_for_ministries(client_for, officer, owner):
    today = timezone.localdate()
    _cases(owner, 30, intake=months_ago(today, 2, 10))
    filters = _rows(client_for(officer).get(PROVINCE_CSV, {"date_to": str(today)}))
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    assert ["Filters", f"date_to={last_month_end.isoformat()}"] in filters


def test_differences_between_overlapping_views_are_noise(officer, owner):
    """Views that differ by exactly one case, twelve times over: an exact table gives away a
    difference of 1 every time; perturbed totals differ by 1 only by chance."""
    scope = dashboard_scope_for(officer)
    today = timezone.localdate()
    intake = months_ago(today, 3, 10)
    _cases(owner, 25, intake=intake)
    shown, true = [int(_province_value(scope, "01", today))], [25]
    for _ in range(12):
        _cases(owner, 1, intake=intake)
        shown.append(int(_province_value(scope, "01", today)))
        true.append(true[-1] + 1)
    differences = [b - a for a, b in zip(shown, shown[1:], strict=False)]
    assert set(differences) != {1}, differences
    assert all(abs(s - t) <= 2 for s, t in zip(shown, true, strict=True))
    again = int(_province_value(scope, "01", today))
    assert again == shown[-1]  # asking again averages nothing away


def test_a_small_group_shows_nothing_but_too_few(client_for, officer, owner, settings):
    """Filtering to a small province showed one "<5" and zeros everywhere else, which told the
    officer that every survivor there shared that value."""
    settings.DASHBOARD_MIN_POPULATION = disclosure.MIN_POPULATION
    today = timezone.localdate()
    _cases(owner, 3, province="07", minor=True, intake=months_ago(today, 2, 5))
    _cases(owner, 40, province="12", intake=months_ago(today, 2, 5))
    client = client_for(officer)
    page = client.get(reverse("dashboards:dashboard"), {"province": "07"}).content.decode()
    assert "Too few cases to show" in page
    assert "<table" not in page and "<svg" not in page
    for slug in ("sex-age", "exploitation", "phase"):
        rows = _rows(
            client.get(reverse("dashboards:export", args=[slug, "csv"]), {"province": "07"})
        )
        assert ["Too few cases to show: choose a wider period or fewer filters."] in rows
        assert not any(cell in ("0", "<5") for row in rows for cell in row)
    national = client.get(reverse("dashboards:dashboard")).content.decode()
    assert "Too few cases to show" not in national and "<table" in national


def test_supervisors_see_exact_counts_of_their_own_organisation(client_for, supervisor, owner):
    today = timezone.localdate()
    _cases(owner, 1, province="07", intake=months_ago(today, 0, 1))
    rows = _rows(client_for(supervisor).get(PROVINCE_CSV))
    counts = {row[0]: row[1] for row in rows if len(row) == 2}
    assert counts["Kampot"] == "1" and counts["Total"] == "1"  # this month included, exact


def test_the_noise_is_small_centred_and_can_hide_a_small_count():
    assert statistics.mean(disclosure.NOISE) == 0
    assert {disclosure.perturb(disclosure.Tally(0, key)) for key in range(256)} == {0}
    ones = [disclosure.perturb(disclosure.Tally(1, key)) for key in range(256)]
    assert 0 in ones and set(ones) <= {0, 1, 2, 3}  # a 0 shown never proves nobody is there
    shown = {disclosure.perturb(disclosure.Tally(40, key)) for key in range(256)}
    assert shown == {38, 39, 40, 41, 42}


def test_record_keys_are_fixed_and_spread(owner):
    from cases.models import Case

    _cases(owner, 40, intake=months_ago(timezone.localdate(), 2, 5))
    keys = list(Case.objects.annotate(key=disclosure.record_key()).values_list("key", flat=True))
    again = list(Case.objects.annotate(key=disclosure.record_key()).values_list("key", flat=True))
    assert keys == again and all(0 <= k < 256 for k in keys)
    assert len(set(keys)) > 30  # spread over 0-255, not one value
