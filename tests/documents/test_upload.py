"""Only PDF, JPEG and PNG files, by content, up to the limit; a refused file leaves nothing
behind; what is stored is ciphertext under a random name."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AccessEvent, Action
from documents.models import Document
from documents.services import document_content, document_upload
from tests.referrals.helpers import give_consent

from .conftest import CANARY, JPEG, PDF, PNG, stored_files, upload

pytestmark = pytest.mark.django_db

WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + CANARY
HTML = b"<!DOCTYPE html><html><script>alert(1)</script>" + CANARY


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("scan.pdf", PDF, "application/pdf"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("card.png", PNG, "image/png"),
        ("card-with-wrong-name.txt", PNG, "image/png"),  # the content decides, not the name
    ],
)
def test_pdf_and_images_are_accepted_by_content(case, owner, name, content, kind):
    document = document_upload(
        actor=owner, case=case, file=upload(name, content, "text/plain"), category="identity"
    )
    assert document.content_type == kind
    assert document.original_name == name
    assert document_content(document) == content


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("invoice.pdf", WINDOWS_EXE, "application/pdf"),
        ("consent.pdf", HTML, "application/pdf"),
        ("photo.png", b"GIF89a" + CANARY, "image/png"),
        ("empty.pdf", b"", "application/pdf"),
    ],
)
def test_a_file_of_another_type_is_refused_and_nothing_is_stored(
    case, owner, client_for, document_dir, name, content, declared
):
    response = client_for(owner).post(
        reverse("documents:case-upload", args=[case.pk]),
        {"category": "identity", "file": upload(name, content, declared)},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors and ("PDF, JPEG and PNG" in errors[0] or "empty" in errors[0])
    assert not Document.objects.exists()
    assert stored_files(document_dir) == []


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(
    case, owner, client_for, document_dir, settings
):
    settings.DOCUMENTS_MAX_BYTES = 1000
    response = client_for(owner).post(
        reverse("documents:case-upload", args=[case.pk]),
        {"category": "identity", "file": upload(content=PDF + b"0" * 1000)},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The file is larger than 1000\xa0bytes."]
    assert not Document.objects.exists()
    assert stored_files(document_dir) == []


def test_the_limit_is_ten_megabytes_by_default(settings):
    assert settings.DOCUMENTS_MAX_BYTES == 10 * 1024 * 1024


def test_a_file_exactly_at_the_limit_is_accepted(case, owner, settings):
    settings.DOCUMENTS_MAX_BYTES = len(PDF)
    document = document_upload(actor=owner, case=case, file=upload(), category="identity")
    assert document.size == len(PDF)


def test_the_file_on_disk_is_ciphertext_under_a_random_name(case, owner, document_dir):
    document = document_upload(
        actor=owner, case=case, file=upload("Sok Sreyneang passport.pdf"), category="identity"
    )
    files = stored_files(document_dir)
    assert len(files) == 1
    assert files[0].name == document.storage_name
    assert "passport" not in document.storage_name and "Sok" not in document.storage_name
    for path in document_dir.rglob("*"):
        if path.is_file():
            assert CANARY not in path.read_bytes()
            assert b"%PDF" not in path.read_bytes()
            assert b"passport" not in path.read_bytes()


def test_the_original_name_is_encrypted_in_the_database(case, owner):
    from django.db import connection

    document = document_upload(
        actor=owner, case=case, file=upload("Sok Sreyneang passport.pdf"), category="identity"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT original_name FROM documents_document WHERE id = %s", [document.pk])
        (stored,) = cursor.fetchone()
    assert "Sreyneang" not in stored


def test_the_upload_page_stores_the_file_and_lists_it_on_the_case_page(case, owner, client_for):
    client = client_for(owner)
    response = client.post(
        reverse("documents:case-upload", args=[case.pk]),
        {"category": "identity", "file": upload("passport.pdf")},
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert AccessEvent.objects.filter(action=Action.CREATE, object_id=document.pk).exists()
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "passport.pdf" in page
    assert reverse("documents:download", args=[document.pk]) in page


def test_a_consent_form_is_attached_to_its_consent(case, owner, client_for):
    consent = give_consent(case, owner, purpose="services")
    url = reverse("documents:consent", args=[case.pk, consent.pk])
    client = client_for(owner)
    assert client.get(url).context["form"]["category"].initial == "consent_form"
    response = client.post(url, {"category": "consent_form", "file": upload("signed consent.pdf")})
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.consent == consent and document.case == case
    assert "signed consent.pdf" in client.get(url).content.decode()


def test_a_plan_document_is_attached_to_its_plan(case, owner, client_for):
    from tests.plans.factories import approved_plan

    plan = approved_plan(case, owner)
    url = reverse("documents:plan", args=[case.pk, plan.pk])
    client = client_for(owner)
    assert url in client.get(reverse("plans:plan", args=[case.pk])).content.decode()
    response = client.post(url, {"category": "other", "file": upload("plan signed.png", PNG)})
    assert response.status_code == 302
    assert Document.objects.get().plan == plan
    assert "plan signed.png" in client.get(url).content.decode()


def test_a_consent_of_another_case_is_refused(case, owner):
    from tests.cases.factories import CaseFactory

    other = CaseFactory(actor=owner)
    with pytest.raises(ValidationError) as error:
        document_upload(
            actor=owner,
            case=case,
            file=upload(),
            category="consent_form",
            consent=give_consent(other, owner, purpose="services"),
        )
    assert "consent" in error.value.error_dict
    assert not Document.objects.exists()


def test_a_document_is_attached_to_one_record_at_most(case, owner):
    from django.db import IntegrityError, transaction

    from tests.plans.factories import approved_plan

    document = document_upload(actor=owner, case=case, file=upload(), category="other")
    document.consent = give_consent(case, owner, purpose="services")
    document.plan = approved_plan(case, owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        document.save()


def test_a_worker_may_not_add_a_category_they_could_not_see(case, colleague, client_for):
    response = client_for(colleague).post(
        reverse("documents:case-upload", args=[case.pk]),
        {"category": "health", "file": upload()},
    )
    assert response.status_code == 200
    assert "category" in response.context["form"].errors
    assert not Document.objects.exists()


def test_a_post_without_a_file_says_so(case, owner, client_for):
    response = client_for(owner).post(reverse("documents:case-upload", args=[case.pk]), {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["This field is required."]
    assert not Document.objects.exists()
