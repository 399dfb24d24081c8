"""Where document files live, encrypted: Django's `documents` storage (STORAGES["documents"]),
local disk outside anything served by default, S3-compatible object storage by setting
(django-storages), so that several web servers share it. The keys are the encrypted fields'
(cases/encryption.py): the first of FIELD_ENCRYPTION_KEY encrypts, all of them decrypt, and
`manage.py rotate_document_encryption` re-encrypts every file with the first."""

import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages

from cases.encryption import fernet

STORAGE_ALIAS = "documents"


class PrivateFileSystemStorage(FileSystemStorage):
    """Local disk with no URL: a document is served by the download view alone."""

    def url(self, name):
        raise ValueError("Documents have no URL; they are served by the download view.")


def document_storage() -> Storage:
    return storages[STORAGE_ALIAS]


def random_name() -> str:
    """A name that says nothing about the survivor, the file or its kind."""
    return secrets.token_hex(20)


def encrypted_save(content: bytes) -> str:
    """Encrypt and store; the stored name."""
    storage = document_storage()
    return storage.save(random_name(), ContentFile(fernet().encrypt(content)))


def decrypted_read(name: str) -> bytes:
    with document_storage().open(name, "rb") as stored:
        return fernet().decrypt(stored.read())


def re_encrypt(name: str) -> None:
    """Encrypt a stored file again with the current key, under the same name."""
    storage = document_storage()
    with storage.open(name, "rb") as stored:
        token = fernet().rotate(stored.read())
    storage.delete(name)
    saved = storage.save(name, ContentFile(token))
    if saved != name:  # another file took the name meanwhile: impossible with random names
        raise RuntimeError("A document's file could not be written back under its name.")


def delete(name: str) -> None:
    document_storage().delete(name)
