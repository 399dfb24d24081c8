"""Documents attached to a legal proceeding or to a cross-border return: restricted as the record
is, whatever their own category; attached only by who may record the record; shared only where
a referral shares the record's category. Personas from tests/conftest.py."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AccessEvent, Action
from documents.models import Document
from documents.selectors import documents_for_case
from documents.services import document_upload
from tests.cases.factories import CaseFactory
from tests.legal.factories import proceeding
from tests.referrals.helpers import share
from tests.returns.factories import started

from .conftest import stored_files, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def attached(case, owner):
    """A court paper on a proceeding and a passport scan (an identity document) on the
    return."""
    court = proceeding(case, owner)
    ret = started(case, owner)
    return {
        "proceeding": document_upload(
            actor=owner, case=case, file=upload("summons.pdf"), category="legal",
            proceeding=court,
        ),
        "return": document_upload(
            actor=owner, case=case, file=upload("passport-scan.pdf"), category="identity",
            cross_border_return=ret,
        ),
    }  # fmt: skip


def session_api(user):
    api = APIClient()
    api.force_login(user)
    return api


def download(client, document):
    return client.get(reverse("documents:download", args=[document.pk]))


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("owner", True),
        ("supervisor", True),
        ("org_admin", True),
        # Sees identity documents, but not that the survivor is being returned.
        ("colleague", False),
        ("outsider", False),
        ("officer", False),
    ],
)
def test_downloads_by_role(request, case, attached, client_for, persona, sees):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    for document in attached.values():
        assert download(client, document).status_code == (200 if sees else 404), persona
    names = {d.original_name for d in documents_for_case(user=user, case=case)} if sees else set()
    assert names == ({"summons.pdf", "passport-scan.pdf"} if sees else set())


def test_a_colleague_sees_the_cases_identity_documents_but_not_those_of_the_return(
    case, owner, attached, colleague, client_for
):
    document_upload(actor=owner, case=case, file=upload("id-card.pdf"), category="identity")
    page = client_for(colleague).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "id-card.pdf" in page
    assert "passport-scan.pdf" not in page and "summons.pdf" not in page


def test_a_referral_shares_them_only_when_it_shares_health_facts(
    case, attached, outsider, client_for
):
    client = client_for(outsider)
    referral = share(case, outsider.membership.organisation, health=False)
    assert download(client, attached["return"]).status_code == 404
    referral.delete()
    share(case, outsider.membership.organisation, health=True)
    assert download(client, attached["return"]).status_code == 200
    assert download(client, attached["proceeding"]).status_code == 200


def test_only_who_may_record_the_record_attaches_to_it(case, owner, colleague, document_dir):
    ret = started(case, owner)
    with pytest.raises(PermissionDenied):
        document_upload(
            actor=colleague, case=case, file=upload(), category="identity",
            cross_border_return=ret,
        )  # fmt: skip
    assert not Document.objects.exists()
    assert stored_files(document_dir) == []


def test_a_record_of_another_case_is_refused(case, owner, document_dir):
    other = CaseFactory(actor=owner)
    with pytest.raises(ValidationError) as error:
        document_upload(
            actor=owner, case=case, file=upload(), category="legal",
            proceeding=proceeding(other, owner),
        )  # fmt: skip
    assert "proceeding" in error.value.message_dict
    assert stored_files(document_dir) == []


def test_the_return_page_attaches_and_lists_its_documents(case, owner, client_for):
    started(case, owner)
    client = client_for(owner)
    url = reverse("documents:return", args=[case.pk])
    response = client.post(url, {"category": "identity", "file": upload("travel-doc.pdf")})
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.cross_border_return.case == case
    page = client.get(url).content.decode()
    assert "travel-doc.pdf" in page
    assert AccessEvent.objects.filter(action=Action.CREATE, case=case).exists()


def test_the_proceeding_page_attaches_a_court_paper(case, owner, client_for):
    court = proceeding(case, owner)
    url = reverse("documents:proceeding", args=[case.pk, court.pk])
    response = client_for(owner).post(url, {"category": "legal", "file": upload("verdict.pdf")})
    assert response.status_code == 302
    assert Document.objects.get().proceeding == court


@pytest.mark.parametrize("persona", ["colleague", "outsider", "officer"])
def test_the_record_pages_are_not_found_for_who_may_not_record_them(
    request, case, owner, client_for, persona
):
    court = proceeding(case, owner)
    started(case, owner)
    client = client_for(request.getfixturevalue(persona))
    for url in (
        reverse("documents:proceeding", args=[case.pk, court.pk]),
        reverse("documents:return", args=[case.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"category": "legal", "file": upload()}).status_code == 404
    assert not Document.objects.exists()


def test_a_return_page_for_a_case_without_a_return_is_not_found(case, owner, client_for):
    assert client_for(owner).get(reverse("documents:return", args=[case.pk])).status_code == 404


def test_the_api_attaches_to_a_return_and_hides_it_from_an_outsider(case, owner, outsider):
    ret = started(case, owner)
    response = session_api(owner).post(
        "/api/v1/documents/",
        {"case": case.pk, "category": "identity", "file": upload(), "cross_border_return": ret.pk},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["cross_border_return"] == ret.pk
    document_id = response.json()["id"]
    assert session_api(outsider).get(f"/api/v1/documents/{document_id}/").status_code == 404
    # Naming another organisation's return answers as one that does not exist.
    theirs = session_api(outsider).post(
        "/api/v1/documents/",
        {"case": case.pk, "category": "identity", "file": upload(), "cross_border_return": ret.pk},
        format="multipart",
    )
    assert theirs.status_code == 400
