"""Documents are stored in a directory of the test's own, so that a test can look at every
byte written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

# The smallest files of each kind: their signatures, then a canary that must never be found in
# the storage directory.
CANARY = b"CANARY-Sok-Sreyneang-passport-N0123456"
PDF = b"%PDF-1.4\n" + CANARY + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + CANARY
JPEG = b"\xff\xd8\xff\xe0" + CANARY


@pytest.fixture(autouse=True)
def _documents_in_their_own_directory(document_dir):
    """`document_dir` (tests/conftest.py) for every test here."""


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def upload(name: str = "passport.pdf", content: bytes = PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)
