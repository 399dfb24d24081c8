"""The caseload and the API list cases with no province of origin in Cambodia (a foreign
national may have none), as the dashboards count them; only where the province is shown."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from organisations.models import Role
from tests.cases.factories import CaseFactory
from tests.cases.test_query_counts import REQUEST_OVERHEAD, queries_for
from tests.organisations.factories import UserFactory
from tests.referrals.helpers import share

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreigner(owner):
    return CaseFactory(
        actor=owner,
        name_latin="Siti Rahayu",
        nationality="ID",
        destination_country="KH",
        origin_village=None,
    )


@pytest.fixture
def receiver(other_ngo):
    return UserFactory(username="receiver", organisation=other_ngo, role=Role.SOCIAL_WORKER)


def caseload(client, **query) -> list[str]:
    response = client.get(reverse("cases:list"), query)
    assert response.status_code == 200
    return [case.case_number for case in response.context["page"].object_list]


def api_list(user, **query) -> list[str]:
    api = APIClient()
    api.force_login(user)
    response = api.get("/api/v1/cases/", query)
    assert response.status_code == 200, response.content
    return [row["case_number"] for row in response.json()["results"]]


def test_the_caseload_offers_and_applies_the_choice(client_for, owner, case, foreigner):
    client = client_for(owner)
    page = client.get(reverse("cases:list")).content.decode()
    assert '<option value="none">No province in Cambodia</option>' in page
    assert caseload(client, province="none") == [foreigner.case_number]
    assert caseload(client, province=case.origin_province_id) == [case.case_number]


def test_the_api_case_list_takes_none_for_no_province(owner, case, foreigner):
    assert api_list(owner, province="none") == [foreigner.case_number]
    assert api_list(owner, province=case.origin_province_id) == [case.case_number]


def test_a_receiver_not_shown_the_province_cannot_filter_by_its_absence(
    client_for, owner, foreigner, receiver, other_ngo
):
    share(foreigner, other_ngo, identity=True, case_facts=False)
    client = client_for(receiver)
    assert caseload(client) == [foreigner.case_number]
    assert caseload(client, province="none") == []
    assert api_list(receiver, province="none") == []
    share(foreigner, other_ngo, identity=False, case_facts=True, service="vocational_training")
    assert caseload(client, province="none") == [foreigner.case_number]
    assert api_list(receiver, province="none") == [foreigner.case_number]


def test_the_caseload_page_in_khmer_names_the_choice(client_for, owner):
    client = client_for(owner)
    page = client.get(reverse("cases:list"), HTTP_ACCEPT_LANGUAGE="km").content.decode()
    assert '<option value="none">គ្មានខេត្តនៅកម្ពុជា</option>' in page


@pytest.mark.parametrize("cases", [2, 12])
def test_the_filter_costs_the_same_however_many_shared_cases(
    client_for, owner, receiver, other_ngo, cases
):
    for n in range(cases):
        shared = CaseFactory(actor=owner, nationality="ID", origin_village=None)
        share(shared, other_ngo, identity=n % 2 == 0, case_facts=n % 3 == 0)
    count, sql = queries_for(client_for(receiver), reverse("cases:list") + "?province=none")
    # As the unfiltered caseload (tests/cases/test_query_counts.py): the filter is a
    # condition of the same queries.
    assert count == REQUEST_OVERHEAD + 5, sql
