"""Health facts and counselling notes are unreadable in the database and the logs."""

import logging

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from cases.encryption import _fernet
from cases.models import CaseSensitiveFacts, CounsellingSession
from tests.cases.factories import CaseFactory, log_session

pytestmark = pytest.mark.django_db
CANARY = "CANARY-7f3a-hiv-positive-on-ART"


def every_stored_text():
    """Every text value of every table, read with plain SQL as a thief with a dump would."""
    texts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            texts += [str(value) for row in cursor.fetchall() for value in row if value]
    return texts


def test_a_canary_is_nowhere_in_raw_rows_nor_in_the_logs(owner, caplog):
    caplog.set_level(logging.DEBUG)
    case = CaseFactory(
        actor=owner, hiv_status="positive", health_notes=CANARY, legal_details=CANARY
    )
    log_session(actor=owner, case=case, confidential_notes=CANARY)
    stored = every_stored_text()
    assert not [t for t in stored if CANARY in t]
    assert CANARY not in caplog.text
    facts = CaseSensitiveFacts.objects.get(case=case)
    assert facts.health_notes == CANARY and facts.hiv_status == "positive"
    assert CounsellingSession.objects.get(case=case).confidential_notes == CANARY


def test_rotation_moves_every_value_to_the_new_key(owner, settings):
    case = CaseFactory(actor=owner, health_notes=CANARY)
    old = settings.FIELD_ENCRYPTION_KEY
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = f"{new},{old}"
    call_command("rotate_field_encryption")
    settings.FIELD_ENCRYPTION_KEY = new  # the old key is gone
    _fernet.cache_clear()
    assert CaseSensitiveFacts.objects.get(case=case).health_notes == CANARY
