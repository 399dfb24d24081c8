"""Who sees which document: the category decides, through the case's own rules. Personas
from tests/conftest.py: `owner` (the case's worker), `colleague` (a worker of the same
organisation, not the case's: no health), `supervisor`, `outsider` (another organisation's
supervisor, sees nothing until a referral shares), `officer` (a ministry)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from audit.models import AccessEvent, Action
from documents.models import Category
from documents.permissions import DATA_CATEGORY, visible_categories
from documents.selectors import documents_for_case
from documents.services import document_upload
from referrals import services as referrals
from tests.referrals.helpers import give_consent, send

from .conftest import PDF, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(case, owner):
    """One document of each category, uploaded by the case's worker."""
    return {
        category: document_upload(
            actor=owner, case=case, file=upload(f"{category}.pdf"), category=category
        )
        for category in Category.values
    }


def listed(user, case) -> set[str]:
    return set(documents_for_case(user=user, case=case).values_list("category", flat=True))


def download(client, document):
    return client.get(reverse("documents:download", args=[document.pk]))


ALL = set(Category.values)
WITHOUT_HEALTH = {Category.IDENTITY, Category.CONSENT_FORM, Category.OTHER}


def test_every_category_goes_with_a_kind_of_the_case_data():
    assert set(DATA_CATEGORY) == ALL
    assert DATA_CATEGORY[Category.LEGAL] == DATA_CATEGORY[Category.HEALTH] == "health"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("owner", ALL),
        ("supervisor", ALL),
        ("org_admin", ALL),
        ("colleague", WITHOUT_HEALTH),
        ("outsider", set()),
        ("officer", set()),
    ],
)
def test_downloads_by_role(request, case, documents, client_for, persona, expected):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    for category, document in documents.items():
        response = download(client, document)
        assert response.status_code == (200 if category in expected else 404), (persona, category)
    if expected:
        assert listed(user, case) == expected


def test_a_worker_without_health_access_neither_lists_nor_downloads_health_papers(
    case, documents, colleague, client_for
):
    client = client_for(colleague)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "identity.pdf" in page
    assert "health.pdf" not in page and "legal.pdf" not in page
    assert download(client, documents["health"]).status_code == 404
    assert download(client, documents["legal"]).status_code == 404


def test_missing_and_forbidden_answer_alike(case, documents, outsider, client_for):
    client = client_for(outsider)
    forbidden = download(client, documents["identity"])
    missing = client.get(reverse("documents:download", args=[999_999]))
    assert forbidden.status_code == missing.status_code == 404

    # The pages differ only by the path asked for and the sign-out form's CSRF token.
    def page(response, pk):
        text = response.content.decode().replace(f"/{pk}/", "/N/")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

    assert page(forbidden, documents["identity"].pk) == page(missing, 999_999)


def test_a_forbidden_download_is_recorded_as_denied(case, documents, outsider, client_for):
    download(client_for(outsider), documents["identity"])
    event = AccessEvent.objects.get(user=outsider)
    assert event.denied
    assert event.case_id == case.pk
    assert event.object_id == documents["identity"].pk


def test_the_receiver_sees_only_the_categories_the_referral_shares(
    case, owner, other_ngo, outsider, documents, client_for
):
    give_consent(case, owner, organisation=other_ngo, identity=False, case_facts=True)
    referral = send(case, owner, other_ngo, shares_identity=False, shares_health=False)
    referrals.referral_accept(actor=outsider, referral=referral)
    client = client_for(outsider)
    shared = {Category.CONSENT_FORM, Category.OTHER}
    assert listed(outsider, case) == shared
    for category, document in documents.items():
        assert download(client, document).status_code == (200 if category in shared else 404)


def test_a_receiver_with_health_shared_sees_health_and_legal_papers(
    case, owner, other_ngo, outsider, documents, client_for
):
    give_consent(case, owner, organisation=other_ngo, health=True)
    referral = send(case, owner, other_ngo, shares_health=True)
    referrals.referral_accept(actor=outsider, referral=referral)
    assert listed(outsider, case) == ALL
    assert download(client_for(outsider), documents["legal"]).status_code == 200


def test_sharing_ends_and_so_does_the_access(
    case, owner, other_ngo, outsider, documents, client_for
):
    give_consent(case, owner, organisation=other_ngo)
    referral = send(case, owner, other_ngo)
    referral = referrals.referral_accept(actor=outsider, referral=referral)
    client = client_for(outsider)
    assert download(client, documents["identity"]).status_code == 200
    referrals.referral_cancel(actor=owner, referral=referral)
    assert download(client, documents["identity"]).status_code == 404


def test_a_receiver_may_not_upload(case, owner, other_ngo, outsider, client_for):
    give_consent(case, owner, organisation=other_ngo)
    referrals.referral_accept(actor=outsider, referral=send(case, owner, other_ngo))
    client = client_for(outsider)
    url = reverse("documents:case-upload", args=[case.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"category": "other", "file": upload()}).status_code == 404
    assert not case.documents.exists()
    assert visible_categories(outsider, case)  # it does see some: seeing is not adding


def test_the_download_is_an_uncached_attachment_of_the_detected_type(
    case, documents, owner, client_for
):
    response = download(client_for(owner), documents["identity"])
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="identity.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_name_cannot_break_the_header(case, owner, client_for):
    document = document_upload(
        actor=owner, case=case, file=upload('a"b\r\nX-Evil: 1.pdf'), category="other"
    )
    response = download(client_for(owner), document)
    assert "X-Evil" not in response.headers
    assert response["Content-Disposition"].startswith("attachment;")


def test_every_download_writes_an_access_log_row(case, documents, owner, client_for):
    client = client_for(owner)
    before = AccessEvent.objects.count()
    for _ in range(3):
        assert download(client, documents["health"]).status_code == 200
    rows = AccessEvent.objects.order_by("pk")[before:]
    assert len(rows) == 3
    for row in rows:
        assert (row.user, row.action, row.case_id) == (owner, Action.VIEW, case.pk)
        assert (row.object_type, row.object_id) == ("document", documents["health"].pk)
        assert not row.denied


def test_documents_are_served_from_no_public_url(settings, document_dir, case, owner):
    from django.core.files.storage import storages

    document = document_upload(actor=owner, case=case, file=upload(), category="other")
    storage = storages["documents"]
    with pytest.raises(ValueError):
        storage.url(document.storage_name)
    root = Path(str(settings.DOCUMENTS_ROOT)).resolve()
    for public in (settings.STATIC_ROOT, *settings.STATICFILES_DIRS, settings.MEDIA_ROOT or None):
        if public:
            assert not root.is_relative_to(Path(public).resolve())
    from config.settings import base

    assert base.STORAGES["documents"]["BACKEND"] == "documents.storage.PrivateFileSystemStorage"


def test_a_closed_case_takes_no_new_document(case, owner, client_for):
    from cases.models import Case

    Case.objects.filter(pk=case.pk).update(
        phase="closed", closure_reason="other", closed_on=case.intake_date
    )
    response = client_for(owner).post(
        reverse("documents:case-upload", args=[case.pk]), {"category": "other", "file": upload()}
    )
    assert response.status_code == 404
    assert not case.documents.exists()
