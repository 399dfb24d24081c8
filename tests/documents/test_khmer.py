"""The documents' pages and their refusals read in Khmer."""

import pytest
from django.urls import reverse

from documents.services import document_upload

from .conftest import upload

pytestmark = pytest.mark.django_db


def test_the_case_section_and_a_refusal_in_khmer(case, owner, client_for):
    document_upload(actor=owner, case=case, file=upload("passport.pdf"), category="identity")
    client = client_for(owner)
    client.cookies["django_language"] = "km"
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "ឯកសារអត្តសញ្ញាណ" in page  # Identity document
    assert "បន្ថែមឯកសារ" in page  # Add a document
    response = client.post(
        reverse("documents:case-upload", args=[case.pk]),
        {"category": "identity", "file": upload("x.pdf", b"<html></html>")},
    )
    assert "ទទួលយកតែឯកសារ PDF JPEG និង PNG ប៉ុណ្ណោះ" in response.content.decode()
