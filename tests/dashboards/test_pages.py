"""Dashboard pages and exports: who reaches them, what they show, what they cost."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards.tables import TABLE_SLUGS
from organisations.models import Role
from tests.cases.factories import CaseFactory
from tests.organisations.factories import UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboards:dashboard")


def every_dashboard_url():
    yield DASHBOARD
    for slug in TABLE_SLUGS:
        for fmt in ("csv", "xlsx"):
            yield reverse("dashboards:export", args=[slug, fmt])


@pytest.mark.parametrize("persona", ["owner", "api_client_user", "ngo_officer", "anonymous"])
def test_roles_without_a_dashboard_get_404_everywhere(client, request, persona, ngo):
    if persona == "ngo_officer":
        # The ministry-officer role in an NGO is not a ministry: no dashboard.
        client.force_login(UserFactory(organisation=ngo, role=Role.MINISTRY_OFFICER))
    elif persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    for url in every_dashboard_url():
        assert client.get(url).status_code == 404, url


def test_inactive_organisation_gets_404(client_for, supervisor, ngo):
    ngo.is_active = False
    ngo.save()
    assert client_for(supervisor).get(DASHBOARD).status_code == 404


@pytest.mark.parametrize("persona", ["officer", "provincial_officer", "supervisor", "org_admin"])
def test_dashboard_roles_see_their_dashboard(client_for, request, persona, dataset):
    response = client_for(request.getfixturevalue(persona)).get(DASHBOARD)
    assert response.status_code == 200
    assert response.content.count(b"<svg") == len(TABLE_SLUGS) + 1  # a chart each, and the map


def test_no_survivor_identity_anywhere(client_for, officer, supervisor, dataset):
    cases = dataset.cases[1:]
    for user in (officer, supervisor):
        client = client_for(user)
        pages = [client.get(DASHBOARD).content.decode()]
        pages += [
            client.get(reverse("dashboards:export", args=[slug, "csv"])).content.decode()
            for slug in TABLE_SLUGS
        ]
        for page in pages:
            assert not re.search(r"/cases/\d+", page)  # no link to any case
            for case in cases:
                assert case.case_number not in page
                assert case.name_latin not in page


def test_provincial_officer_cannot_ask_for_another_province(
    client_for, provincial_officer, dataset
):
    client = client_for(provincial_officer)
    assert client.get(DASHBOARD, {"province": "12"}).status_code == 404
    assert (
        client.get(
            reverse("dashboards:export", args=["province", "csv"]), {"province": "12"}
        ).status_code
        == 404
    )
    own = client.get(DASHBOARD, {"province": "01"})
    assert own.status_code == 200


def test_provincial_officer_sees_only_their_province(client_for, provincial_officer, dataset):
    response = client_for(provincial_officer).get(
        reverse("dashboards:export", args=["province", "csv"])
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    counts = {row[0]: row[1] for row in rows if len(row) == 2 and row[1].isdigit()}
    assert abs(int(counts["Banteay Meanchey"]) - 8) <= 2  # 8 cases, perturbed
    assert counts["Phnom Penh"] == "0" and counts["Battambang"] == "0"
    assert rows[-1][0] == "Total" and abs(int(rows[-1][1]) - 8) <= 2


def test_supervisor_cannot_ask_for_another_organisation(client_for, supervisor, other_ngo, dataset):
    response = client_for(supervisor).get(DASHBOARD, {"organisation": other_ngo.pk})
    assert response.status_code == 404


def _province_counts(client):
    response = client.get(reverse("dashboards:export", args=["province", "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {
        row[0]: row[1]
        for row in rows
        if len(row) == 2 and row[0] != "Scope" and row[1] not in ("0", "Cases")
    }


def test_cached_numbers_never_cross_organisations(
    client, settings, supervisor, other_supervisor, dataset
):
    settings.DASHBOARDS_CACHE_SECONDS = 300
    client.force_login(supervisor)
    hts = _province_counts(client)
    client.force_login(other_supervisor)
    opn = _province_counts(client)
    client.force_login(supervisor)
    assert _province_counts(client) == hts  # served from the cache, still HTS's
    # A supervisor's own organisation, in exact counts.
    assert hts == {"Banteay Meanchey": "7", "Battambang": "5", "Total": "12"}
    assert opn == {"Banteay Meanchey": "1", "Phnom Penh": "6", "Total": "7"}


def test_cache_key_carries_scope_and_filters(officer, supervisor, other_supervisor):
    import datetime as dt

    from dashboards.forms import DashboardFilters
    from dashboards.scope import dashboard_scope_for
    from dashboards.tables import cache_key

    today = dt.date(2026, 1, 1)
    keys = {
        cache_key(dashboard_scope_for(user), DashboardFilters(), today)
        for user in (officer, supervisor, other_supervisor)
    }
    keys.add(cache_key(dashboard_scope_for(officer), DashboardFilters(sex="male"), today))
    assert len(keys) == 4


def test_filters_narrow_the_page(client_for, supervisor, dataset):
    response = client_for(supervisor).get(
        reverse("dashboards:export", args=["sex-age", "csv"]), {"age": "minor"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Female", "7", "0", "7"] in rows
    assert ["Male", "0", "0", "0"] in rows
    assert rows[-1] == ["Total", "7", "0", "7"]


@pytest.mark.parametrize("slug", ["sex-age", "phase", "province", "referrals", "wellbeing"])
def test_page_csv_and_xlsx_show_the_same_perturbed_values(client_for, officer, dataset, slug):
    from openpyxl import load_workbook

    client = client_for(officer)
    csv_response = client.get(reverse("dashboards:export", args=[slug, "csv"]))
    assert csv_response["Content-Type"].startswith("text/csv")
    csv_rows = [
        [cell for cell in row if cell]
        for row in csv.reader(io.StringIO(csv_response.content.decode()))
        if row
    ]
    xlsx_response = client.get(reverse("dashboards:export", args=[slug, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    xlsx_rows = [
        [str(cell) for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)
    ]
    assert csv_rows == [row for row in xlsx_rows if row]
    page = client.get(DASHBOARD).content.decode()
    section = page[page.index(f'id="{slug}"') :]
    section = section[: section.index("</table>")]
    page_cells = re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", section)
    table_start = next(i for i, row in enumerate(csv_rows) if len(row) > 1 and i > 2)
    csv_cells = [cell for row in csv_rows[table_start:] for cell in row]
    assert [c.replace("&lt;", "<") for c in page_cells if c] == csv_cells


def test_page_says_how_figures_are_protected(client_for, officer, supervisor, dataset):
    page = client_for(officer).get(DASHBOARD).content.decode()
    assert "every figure is slightly altered" in page
    assert 'class="chart tile-map"' in page
    own = client_for(supervisor).get(DASHBOARD).content.decode()
    assert "Exact counts of your own organisation" in own


def test_khmer_page_labels_provinces_in_khmer(client_for, officer, dataset):
    client = client_for(officer)
    client.cookies["django_language"] = "km"
    page = client.get(DASHBOARD).content.decode()
    assert "បន្ទាយមានជ័យ" in page
    assert 'lang="km"' in page
    assert "<title>បន្ទាយមានជ័យ៖ " in page  # a chart's tooltip: the Khmer sign, not a colon


@pytest.mark.parametrize("cases", [10, 60])
def test_dashboard_query_count_is_constant(client_for, officer, owner, cases):
    for _ in range(cases):
        CaseFactory(actor=owner)
    client = client_for(officer)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    # Session, user, membership; provinces for the form and the organisations to choose from;
    # the numbers; provinces for the table and the names of the organisations counted. On
    # SQLite the numbers are 18 aggregates (one per case indicator, the forms of exploitation's
    # totals by movement and the foreign nationals among them; one for referrals, two for
    # visits, four for the plans, one for cross-border returns); on PostgreSQL they come from
    # the summary (dashboards/summary.py): its state, its dirty partitions and their sizes,
    # its rows, and the dirty partitions' cases (these new ones) and their rows counted live.
    numbers = 6 if connection.vendor == "postgresql" else 18
    assert len(captured) == 3 + 2 + numbers + 2, [q["sql"] for q in captured.captured_queries]


def test_cached_dashboard_costs_no_aggregate(client_for, settings, officer, owner):
    settings.DASHBOARDS_CACHE_SECONDS = 300
    settings.DASHBOARD_MIN_POPULATION = 0
    CaseFactory(actor=owner)
    client = client_for(officer)
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as captured:
        client.get(DASHBOARD)
    assert len(captured) == 3 + 2 + 2


def test_has_dashboard_filter_for_the_navigation(officer, supervisor, owner, api_client_user):
    from django.contrib.auth.models import AnonymousUser

    from dashboards.templatetags.dashboards import has_dashboard

    assert has_dashboard(officer) and has_dashboard(supervisor)
    assert not has_dashboard(owner)
    assert not has_dashboard(api_client_user)
    assert not has_dashboard(AnonymousUser())
