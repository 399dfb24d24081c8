"""Returns on the dashboards: by direction, country and month, and the median days from
identification to return, against a hand-counted data set; exact for a supervisor, through the
cell key method for a ministry."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboards import selectors
from dashboards.disclosure import EXACT, MEDIAN_MIN_COUNT, perturb_median
from dashboards.forms import DashboardFilters
from dashboards.scope import dashboard_scope_for
from dashboards.tables import dashboard_tables
from tests.cases.factories import CaseFactory

from .factories import days_ago, started, step, travelled

pytestmark = pytest.mark.django_db

ALL = DashboardFilters()


def returned_home(owner, waits):
    """Returns out of Cambodia to Indonesia, each travelling 10 days ago after `wait` days."""
    for wait in waits:
        travelled(CaseFactory(actor=owner), owner, identified_on=days_ago(10 + wait))


def came_home(owner):
    """One Cambodian home from Thailand after 30 days; one whose journey is still ahead."""
    ret = started(CaseFactory(actor=owner), owner, direction="into_cambodia", country="TH")
    step(ret, owner, "document_issued", 20, document_authority="embassy")
    step(ret, owner, "agency_accepted", 15)
    step(ret, owner, "travelled", 10, route="poipet")
    started(CaseFactory(actor=owner), owner, direction="into_cambodia", country="VN")


def _table(tables, slug):
    return next(t for t in tables if t.slug == slug)


def test_returns_count_by_hand(supervisor, owner):
    returned_home(owner, [50, 40, 30, 26, 26])
    came_home(owner)
    numbers = selectors.cross_border_returns(dashboard_scope_for(supervisor), ALL)
    assert numbers["by_country"] == {("out_of_cambodia", "ID"): 5, ("into_cambodia", "TH"): 1}
    month = days_ago(10).strftime("%Y-%m")
    assert numbers["by_month"] == {(month, "out_of_cambodia"): 5, (month, "into_cambodia"): 1}
    assert numbers["median_days"] == {
        ("out_of_cambodia", "ID"): 30.0,
        ("into_cambodia", "TH"): 30.0,
    }


def test_a_supervisor_sees_the_tables_exact_with_medians_over_five_returns(supervisor, owner):
    returned_home(owner, [50, 40, 30, 26, 26])
    came_home(owner)
    tables = dashboard_tables(
        dashboard_scope_for(supervisor), ALL, today=timezone.localdate(), protection=EXACT
    )
    assert _table(tables, "returns").body() == [
        ["Indonesia", "0", "5", "5", "— · 30"],
        ["Thailand", "1", "0", "1", "— · —"],
    ]
    by_month = {row[0]: row[1:] for row in _table(tables, "returns-by-month").body()}
    assert by_month[days_ago(10).strftime("%Y-%m")] == ["1", "5", "6"]
    closed = dict(row[:2] for row in _table(tables, "closed").body())
    assert closed["Returned to country of origin"] == "0"


def test_a_ministry_sees_small_counts_hidden_and_medians_only_over_enough_returns(
    officer, owner, settings
):
    settings.DASHBOARD_MIN_POPULATION = 0
    returned_home(owner, [30] * (MEDIAN_MIN_COUNT + 2))
    came_home(owner)
    scope = dashboard_scope_for(officer)
    numbers = selectors.cross_border_returns(scope, ALL)
    tables = dashboard_tables(scope, ALL, today=timezone.localdate())
    rows = {row[0]: row for row in _table(tables, "returns").body()}
    assert rows["Thailand"][1] in ("<5", "0")  # one survivor: never shown as one
    indonesia = numbers["by_country"][("out_of_cambodia", "ID")]
    moved = perturb_median(30.0, indonesia)
    assert moved is not None and abs(moved - 30) <= 2
    assert rows["Indonesia"][-1] == f"— · {moved}"


@pytest.mark.parametrize("returns", [2, 8])
def test_the_indicator_is_one_query_however_many_returns(supervisor, owner, returns):
    returned_home(owner, [26] * returns)
    scope = dashboard_scope_for(supervisor)
    with CaptureQueriesContext(connection) as captured:
        numbers = selectors.cross_border_returns(scope, ALL)
    assert sum(numbers["by_country"].values()) == returns
    assert len(captured) == 1
