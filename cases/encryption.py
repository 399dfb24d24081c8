"""Encryption at rest for the most sensitive facts: HIV status, health and legal notes,
counselling notes.

The keys are `FIELD_ENCRYPTION_KEY`, a comma-separated list of Fernet keys kept apart from
`SECRET_KEY`: the first encrypts, all of them decrypt. To rotate, put a new key first, deploy,
run `manage.py rotate_field_encryption`, then drop the old key. Fernet (AES-128-CBC with an
HMAC-SHA256) comes from `cryptography`; the maintained Django field packages either derive
their key from SECRET_KEY or have had no release since 2022, so the field is written here.
Encrypted values cannot be filtered or sorted in SQL; nothing needs to."""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet(keys: str) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.strip()) for key in keys.split(",") if key.strip()])
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be one or more Fernet keys separated by commas."
        ) from error


def fernet() -> MultiFernet:
    return _fernet(settings.FIELD_ENCRYPTION_KEY)


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "A value cannot be decrypted with FIELD_ENCRYPTION_KEY: was a key dropped before "
            "rotate_field_encryption ran?"
        ) from error


def rotate(token: str) -> str:
    return fernet().rotate(token.encode()).decode()


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; empty text is stored empty so that "nothing recorded"
    stays visible to queries without revealing anything else."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in ("isnull", "exact"):
            return None  # no LIKE or ordering on ciphertext
        return super().get_lookup(lookup_name)
