"""Several forms of exploitation per case, and survivors of other nationalities, on the
dashboards: a case counts under each of its forms, every total counts it once, and a ministry
never reads that one survivor of some nationality exists."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.services import Exploitation
from dashboards import selectors
from dashboards.disclosure import EXACT, PERTURBED
from dashboards.forms import DashboardFilters
from dashboards.scope import dashboard_scope_for
from dashboards.tables import dashboard_tables
from tests.cases.factories import CaseFactory

from .conftest import months_ago, village_in

pytestmark = pytest.mark.django_db
ALL = DashboardFilters()


@pytest.fixture
def national(officer):
    return dashboard_scope_for(officer)


def _case(owner, *, forms, nationality="KH", movement="cross_border", intake=None):
    intake = intake or months_ago(timezone.localdate(), 2, 5)
    return CaseFactory(
        actor=owner,
        nationality=nationality,
        exploitations=[Exploitation(form=form) for form in forms],
        movement=movement,
        destination_country="" if movement == "internal" else "TH" if nationality == "KH" else "KH",
        date_of_birth=intake - dt.timedelta(days=365 * 25),
        intake_date=intake,
        origin_village=village_in("18"),
    )


def _table(scope, slug, protection=None):
    today = timezone.localdate()
    tables = dashboard_tables(scope, ALL, today=today, protection=protection)
    return next(table for table in tables if table.slug == slug)


def test_a_case_counts_under_each_of_its_forms_and_once_in_the_totals(national, owner):
    _case(owner, forms=["forced_labour", "sexual_exploitation"])
    _case(owner, forms=["forced_labour"])
    _case(owner, forms=["begging"], movement="internal")
    assert selectors.caseload_by_exploitation(national, ALL) == {
        ("forced_labour", "cross_border"): 2,
        ("sexual_exploitation", "cross_border"): 1,
        ("begging", "internal"): 1,
    }
    table = _table(national, "exploitation", EXACT)
    by_form = dict(zip(table.row_keys, table.body(), strict=True))
    assert by_form["forced_labour"][1:] == ["0", "2", "2"]
    assert by_form["sexual_exploitation"][1:] == ["0", "1", "1"]
    # Four cells of forms, three survivors: the totals count each survivor once.
    assert table.footer()[1:] == ["1", "2", "3"]
    assert "counts under each of them" in table.note


def test_a_filter_on_a_form_counts_a_case_with_several_forms_once(national, owner):
    _case(owner, forms=["forced_labour", "sexual_exploitation"])
    _case(owner, forms=["sexual_exploitation"])
    sexual = DashboardFilters(exploitation_form="sexual_exploitation")
    assert selectors.caseload_by_province(national, sexual) == {"18": 2}
    assert selectors.caseload_by_exploitation(national, sexual) == {
        ("sexual_exploitation", "cross_border"): 2,
        ("forced_labour", "cross_border"): 1,
    }


def test_foreign_nationals_by_nationality_and_form(national, owner):
    for _ in range(6):
        _case(owner, forms=["forced_criminality"], nationality="ID")
    _case(owner, forms=["forced_criminality", "sexual_exploitation"], nationality="VN")
    _case(owner, forms=["forced_labour"])  # a Cambodian: not counted
    assert selectors.foreign_nationals(national, ALL) == {"ID": 6, "VN": 1}
    assert selectors.foreign_nationals_by_exploitation(national, ALL) == {
        ("ID", "forced_criminality"): 6,
        ("VN", "forced_criminality"): 1,
        ("VN", "sexual_exploitation"): 1,
    }
    exact = _table(national, "foreign-nationals", EXACT)
    assert exact.row_labels == ["Indonesia", "Vietnam"]
    criminality = exact.header().index("Forced criminality (scam compound, online fraud)")
    body = dict(zip(exact.row_keys, exact.body(), strict=True))
    assert body["VN"][criminality] == "1" and body["VN"][-1] == "1"
    assert exact.footer()[criminality] == "7" and exact.footer()[-1] == "7"


def test_a_ministry_is_not_told_that_one_survivor_of_a_nationality_exists(national, owner):
    for _ in range(12):
        _case(owner, forms=["forced_criminality"], nationality="ID")
    _case(owner, forms=["forced_criminality"], nationality="KE")
    perturbed = _table(national, "foreign-nationals", PERTURBED)
    assert "Kenya" not in perturbed.row_labels
    assert perturbed.row_labels == ["Indonesia", "Other nationalities"]
    assert perturbed.body()[1][-1] in ("<5", "0")
    assert "Kenya" in _table(national, "foreign-nationals", EXACT).row_labels


def test_the_page_says_how_survivors_with_several_forms_count(client_for, officer, owner):
    for _ in range(25):
        _case(owner, forms=["forced_criminality"], nationality="ID")
    page = client_for(officer).get(reverse("dashboards:dashboard")).content.decode()
    assert "Foreign nationals by nationality and form of exploitation" in page
    assert "the totals count each survivor once" in page
    export = client_for(officer).get(
        reverse("dashboards:export", args=["foreign-nationals", "csv"])
    )
    assert export.status_code == 200 and "Indonesia" in export.content.decode()
