"""A foreign national may have no home in Cambodia: no made-up province, commune or village.
A Cambodian still has one, and is refused without it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from cases.models import Case
from dashboards.disclosure import EXACT
from dashboards.forms import DashboardFilters
from dashboards.scope import dashboard_scope_for
from dashboards.tables import dashboard_tables
from tests.cases.factories import CaseFactory
from tests.webforms.helpers import hidden

pytestmark = pytest.mark.django_db


def intake_data(page, **overrides) -> dict:
    data = {
        "submission": hidden(page, "submission"),
        "consent_given_by": "survivor",
        "consent_identity": "on",
        "consent_given_on": page.context["form"]["consent_given_on"].value().isoformat(),
        "name_latin": "Siti Rahayu",
        "sex": "female",
        "date_of_birth": "1999-03-01",
        "nationality": "ID",
        "exploitations": ["forced_criminality"],
        "movement": "cross_border",
        "destination_country": "KH",
        "how_identified": "police_raid",
        "intake_date": page.context["form"]["intake_date"].value().isoformat(),
        "risk_level": "medium",
    }
    data.update(overrides)
    return data


@pytest.fixture
def foreigner(owner):
    return CaseFactory(actor=owner, nationality="ID", destination_country="KH", origin_village=None)


def test_a_foreign_national_is_registered_on_the_page_without_a_place_in_cambodia(
    owner, client_for
):
    client = client_for(owner)
    page = client.get(reverse("cases:create"))
    response = client.post(reverse("cases:create"), intake_data(page))
    assert response.status_code == 302, response.context["form"].errors
    case = Case.objects.get(name_latin="Siti Rahayu")
    assert (case.origin_province, case.origin_commune, case.origin_village) == (None, None, None)


def test_a_cambodian_without_a_place_of_origin_gets_a_field_error(owner, client_for):
    client = client_for(owner)
    page = client.get(reverse("cases:create"))
    data = intake_data(page, nationality="KH", destination_country="TH")
    response = client.post(reverse("cases:create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["origin_commune"] == [
        "Give the village or commune of origin."
    ]
    assert not Case.objects.filter(name_latin="Siti Rahayu").exists()


def test_the_service_and_the_database_refuse_a_cambodian_without_origin(owner, foreigner):
    with pytest.raises(ValidationError) as refused:
        CaseFactory(actor=owner, origin_village=None)
    assert "origin_commune" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=foreigner.pk).update(nationality="KH")


def test_the_dashboard_counts_a_case_without_a_province_in_the_national_total(
    officer, owner, foreigner
):
    CaseFactory(actor=owner)
    scope = dashboard_scope_for(officer)
    tables = dashboard_tables(
        scope, DashboardFilters(), today=foreigner.intake_date, protection=EXACT
    )
    table = next(t for t in tables if t.slug == "province")
    rows = dict(zip(table.row_labels, table.body(), strict=True))
    assert rows["No province in Cambodia"][-1] == "1"
    assert table.footer()[-1] == "2"


def test_the_pages_of_a_case_without_origin_answer(owner, client_for, foreigner, officer):
    client = client_for(owner)
    for url in (
        reverse("cases:detail", args=[foreigner.pk]),
        reverse("cases:list"),
        reverse("cases:list") + "?ordering=origin_province",
        reverse("plans:community-preparation-create", args=[foreigner.pk]),
    ):
        assert client.get(url).status_code == 200, url
    assert client_for(officer).get(reverse("dashboards:dashboard")).status_code == 200
