"""A consent that tells of the survivor's health (it covers health facts) is health data: a
reader who does not see the case's health facts learns nothing of it: not from the documents
section of the case page, the consent's documents page, a signed form attached to it, the API's
upload, or the page that withdraws it."""

import datetime as dt

import pytest
from django.urls import reverse

from documents.models import Category
from documents.services import document_upload
from tests.referrals.helpers import give_consent

from .conftest import upload

pytestmark = pytest.mark.django_db

GIVEN = dt.date(2026, 3, 14)


@pytest.fixture
def health_consent(case, owner, other_ngo):
    return give_consent(case, owner, organisation=other_ngo, health=True, given_on=GIVEN)


def test_the_colleague_is_not_offered_a_health_consent_to_attach_to(
    client_for, case, colleague, health_consent
):
    page = client_for(colleague).get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    consent_page = reverse("documents:consent", args=[case.pk, health_consent.pk])
    assert consent_page not in page.content.decode()


def test_the_case_worker_is_offered_it(client_for, case, owner, health_consent):
    page = client_for(owner).get(reverse("cases:detail", args=[case.pk]))
    consent_page = reverse("documents:consent", args=[case.pk, health_consent.pk])
    assert consent_page in page.content.decode()


def test_the_consent_documents_page_of_a_health_consent_is_not_found_for_the_colleague(
    client_for, case, owner, colleague, health_consent
):
    url = reverse("documents:consent", args=[case.pk, health_consent.pk])
    assert client_for(colleague).get(url).status_code == 404
    assert client_for(owner).get(url).status_code == 200


def test_the_signed_form_of_a_health_consent_is_not_listed_or_served_to_the_colleague(
    client_for, case, owner, colleague, health_consent
):
    document = document_upload(
        actor=owner, case=case, file=upload("consent.pdf"), category=Category.CONSENT_FORM,
        consent=health_consent,
    )  # fmt: skip
    download = reverse("documents:download", args=[document.pk])
    page = client_for(colleague).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "consent.pdf" not in page
    assert client_for(colleague).get(download).status_code == 404
    assert client_for(colleague).get(f"/api/v1/documents/{document.pk}/").status_code == 404
    assert client_for(owner).get(download).status_code == 200


def test_the_api_refuses_to_attach_a_file_to_a_health_consent_the_caller_does_not_see(
    client_for, case, colleague, health_consent
):
    fields = {"case": case.pk, "category": "consent_form", "file": upload("consent.pdf")}
    refused = client_for(colleague).post(
        "/api/v1/documents/", {**fields, "consent": health_consent.pk}
    )
    assert refused.status_code == 400
    assert "consent" in refused.json()["errors"]


def test_the_colleague_cannot_open_or_withdraw_a_health_consent(
    client_for, case, owner, colleague, health_consent
):
    url = reverse("cases:consent-withdraw", args=[case.pk, health_consent.pk])
    assert client_for(colleague).get(url).status_code == 404
    posted = client_for(colleague).post(url, {"withdrawn_on": "2026-11-30", "reason": "asked"})
    assert posted.status_code == 404
    health_consent.refresh_from_db()
    assert health_consent.withdrawn_on is None
    assert client_for(owner).get(url).status_code == 200
