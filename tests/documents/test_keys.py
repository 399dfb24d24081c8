"""Documents use the encrypted fields' keys: a new key first, `rotate_document_encryption`,
then the old key can go."""

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command

from cases.encryption import _fernet
from documents.services import document_content, document_upload

from .conftest import PDF, stored_files, upload

pytestmark = pytest.mark.django_db


def test_rotation_re_encrypts_every_file_with_the_new_key(case, owner, settings, document_dir):
    document = document_upload(actor=owner, case=case, file=upload(), category="other")
    before = stored_files(document_dir)[0].read_bytes()
    old = settings.FIELD_ENCRYPTION_KEY
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = f"{new},{old}"
    call_command("rotate_document_encryption", stdout=io.StringIO())
    after = stored_files(document_dir)
    assert [path.name for path in after] == [document.storage_name]
    assert after[0].read_bytes() != before
    with pytest.raises(InvalidToken):
        Fernet(old.encode()).decrypt(after[0].read_bytes())
    settings.FIELD_ENCRYPTION_KEY = new  # the old key is gone
    _fernet.cache_clear()
    assert document_content(document) == PDF
