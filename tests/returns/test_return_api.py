"""The returns API: who reads, who records, and refusals as field messages."""

import pytest
from rest_framework.test import APIClient

from returns.models import CrossBorderReturn
from tests.cases.factories import CaseFactory
from tests.referrals.helpers import share

from .factories import AGENCY, days_ago, started

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_the_worker_starts_a_return_and_ticks_its_steps(owner):
    case = CaseFactory(actor=owner, nationality="ID")
    client = api(owner)
    response = client.post(
        "/api/v1/returns/",
        {"case": case.pk, "direction": "out_of_cambodia", "country": "ID",
         "identified_on": days_ago(30).isoformat(), "receiving_agency": AGENCY},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["country"], body["receiving_agency"], body["document_status"]) == (
        "ID",
        AGENCY,
        "none",
    )
    assert [row["step"] for row in body["steps"]] == ["identified"]
    url = f"/api/v1/returns/{body['id']}/steps/"
    response = client.post(
        url,
        {"step": "document_applied", "done_on": days_ago(20).isoformat(),
         "document_authority": "embassy"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["document_status"] == "applied"
    assert response.json()["steps"][-1] == {
        "step": "document_applied",
        "done_on": days_ago(20).isoformat(),
        "done_by": owner.pk,
        "note": "",
    }


def test_a_broken_rule_is_a_400_naming_the_field(case, owner):
    ret = started(case, owner)
    response = api(owner).post(
        f"/api/v1/returns/{ret.pk}/steps/",
        {"step": "travelled", "done_on": days_ago(1).isoformat(), "route": "poipet"},
        format="json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "step" in response.content.decode()
    response = api(owner).post(
        "/api/v1/returns/",
        {"case": case.pk, "direction": "out_of_cambodia", "country": "KH",
         "identified_on": days_ago(3).isoformat()},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert CrossBorderReturn.objects.count() == 1


def test_a_colleague_without_health_access_neither_lists_nor_reads(case, owner, colleague):
    ret = started(case, owner)
    client = api(colleague)
    assert client.get("/api/v1/returns/").json()["results"] == []
    assert client.get(f"/api/v1/returns/{ret.pk}/").status_code == 404
    response = client.post(
        "/api/v1/returns/",
        {"case": case.pk, "direction": "out_of_cambodia", "country": "TH",
         "identified_on": days_ago(3).isoformat()},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400  # the case, as far as returns go, does not exist


def test_a_partner_reads_what_its_referral_shares_and_records_nothing(case, owner, outsider):
    ret = started(case, owner)
    organisation = outsider.membership.organisation
    referral = share(case, organisation, health=False, service="repatriation")
    client = api(outsider)
    assert client.get(f"/api/v1/returns/{ret.pk}/").status_code == 404
    referral.delete()
    share(case, organisation, health=True, service="repatriation")
    response = client.get(f"/api/v1/returns/{ret.pk}/")
    assert response.status_code == 200
    assert response.json()["receiving_agency"] == AGENCY
    assert [row["id"] for row in client.get("/api/v1/returns/").json()["results"]] == [ret.pk]
    response = client.post(
        f"/api/v1/returns/{ret.pk}/steps/",
        {"step": "nationality_verified", "done_on": days_ago(5).isoformat()},
        format="json",
    )
    assert response.status_code == 403
    assert ret.steps.count() == 1


def test_a_cambodian_cannot_be_returned_out_of_cambodia(case, owner):
    response = api(owner).post(
        "/api/v1/returns/",
        {"case": case.pk, "direction": "out_of_cambodia", "country": "TH",
         "identified_on": days_ago(30).isoformat()},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.content.decode()
    assert "direction" in body and "another nationality" in body
    assert not CrossBorderReturn.objects.exists()
