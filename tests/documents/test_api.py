"""The partner API for documents: metadata filtered like the pages, upload by multipart with
the same checks, download as an audited attachment."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api.services import api_key_create
from audit.models import AccessEvent, Action, Channel
from documents.models import Document
from documents.services import document_upload
from tests.referrals.helpers import give_consent

from .conftest import PDF, PNG, stored_files, upload

pytestmark = pytest.mark.django_db

LIST = "/api/v1/documents/"


def content_url(document) -> str:
    return f"/api/v1/documents/{document.pk}/content/"


@pytest.fixture
def api():
    def client(user):
        api = APIClient()
        api.force_login(user)
        return api

    return client


@pytest.fixture
def ngo_api(ngo):
    _key, plaintext = api_key_create(actor=None, organisation=ngo, name="Shelter database")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    return client


def add(case, owner, category="identity", name="passport.pdf", content=PDF):
    return document_upload(actor=owner, case=case, file=upload(name, content), category=category)


def test_the_list_needs_a_case(case, owner, api):
    response = api(owner).get(LIST)
    assert response.status_code == 400
    assert "case" in response.json()["errors"] or "case" in str(response.json())


def test_the_list_shows_metadata_of_what_the_caller_may_see(case, owner, colleague, api):
    identity = add(case, owner)
    add(case, owner, category="health", name="hiv test.pdf")
    rows = api(owner).get(LIST, {"case": case.pk}).json()["results"]
    assert {row["category"] for row in rows} == {"identity", "health"}
    rows = api(colleague).get(LIST, {"case": case.pk}).json()["results"]
    assert [row["id"] for row in rows] == [identity.pk]
    assert rows[0]["file_name"] == "passport.pdf"
    assert rows[0]["content_type"] == "application/pdf"
    assert rows[0]["content_url"] == content_url(identity)
    assert "content" not in rows[0] and "storage_name" not in rows[0]


def test_an_outsider_lists_nothing_and_downloads_nothing(case, owner, outsider, api):
    document = add(case, owner)
    client = api(outsider)
    assert client.get(LIST, {"case": case.pk}).json()["results"] == []
    assert client.get(content_url(document)).status_code == 404
    assert client.get(f"{LIST}{document.pk}/").status_code == 404


def test_a_worker_without_health_access_cannot_download_a_health_document(
    case, owner, colleague, api
):
    document = add(case, owner, category="health")
    assert api(colleague).get(content_url(document)).status_code == 404
    denied = AccessEvent.objects.get(user=colleague)
    assert denied.denied and denied.object_id == document.pk


def test_download_through_the_api_is_an_audited_attachment(case, owner, ngo_api):
    document = add(case, owner, name="card.png", content=PNG)
    before = AccessEvent.objects.count()
    response = ngo_api.get(content_url(document))
    assert response.status_code == 200
    assert response.content == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="card.png"'
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AccessEvent.objects.order_by("pk")[before:].get()
    assert (event.action, event.channel, event.object_id, event.case_id) == (
        Action.VIEW,
        Channel.API,
        document.pk,
        case.pk,
    )


def test_upload_through_the_api(case, owner, ngo_api):
    consent = give_consent(case, owner, purpose="services")
    response = ngo_api.post(
        LIST,
        {
            "case": case.pk,
            "category": "consent_form",
            "consent": consent.pk,
            "file": upload("signed.pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    document = Document.objects.get()
    assert response.json()["id"] == document.pk
    assert document.consent == consent
    assert AccessEvent.objects.filter(action=Action.CREATE, object_id=document.pk).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><body>not a pdf</body></html>", "PDF, JPEG and PNG"),
        (PDF + b"0" * 2000, "larger than"),
    ],
)
def test_a_refused_upload_is_a_400_and_stores_nothing(
    case, ngo_api, document_dir, settings, content, message
):
    settings.DOCUMENTS_MAX_BYTES = 2000
    response = ngo_api.post(
        LIST,
        {"case": case.pk, "category": "other", "file": upload("x.pdf", content)},
        format="multipart",
    )
    assert response.status_code == 400
    assert message in str(response.json())
    assert not Document.objects.exists()
    assert stored_files(document_dir) == []


def test_upload_to_a_case_the_caller_cannot_see_is_refused(case, outsider, api):
    response = api(outsider).post(
        LIST,
        {"case": case.pk, "category": "other", "file": upload()},
        format="multipart",
    )
    assert response.status_code == 400
    assert not Document.objects.exists()


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_costs_the_same_however_many_documents(case, owner, api, count):
    for number in range(count):
        add(case, owner, category=["identity", "health", "other"][number % 3])
    client = api(owner)
    client.get(LIST, {"case": case.pk})  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, {"case": case.pk})
    assert len(response.json()["results"]) == count
    assert len(captured) == QUERIES_FOR_LIST, [q["sql"] for q in captured.captured_queries]


# Session, user, membership with its organisation, the case (through the case selector), one
# page of documents, the access-log row. The own organisation's categories need no query; a
# receiving organisation's add one (its referrals).
QUERIES_FOR_LIST = 6


@pytest.mark.parametrize("accept", ["application/pdf", "*/*", "application/json"])
def test_the_download_answers_whatever_the_client_accepts(case, owner, api, accept):
    document = add(case, owner)
    client = api(owner)
    response = client.get(content_url(document), HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response.content == PDF
    missing = client.get(f"{LIST}999999/content/", HTTP_ACCEPT=accept)
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"


def test_a_file_just_under_ten_megabytes_is_accepted_by_the_api_and_the_page(
    case, owner, ngo_api, client_for
):
    big = PDF + b"0" * (10 * 1024 * 1024 - len(PDF) - 1)
    response = ngo_api.post(
        LIST,
        {"case": case.pk, "category": "other", "file": upload("big.pdf", big)},
        format="multipart",
    )
    assert response.status_code == 201, response.content[:300]
    page = client_for(owner).post(
        f"/documents/cases/{case.pk}/new/", {"category": "other", "file": upload("big.pdf", big)}
    )
    assert page.status_code == 302
    assert Document.objects.filter(size=len(big)).count() == 2
