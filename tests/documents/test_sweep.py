"""A file stored by an upload whose transaction rolled back is deleted by the sweep once it is
older than an upload can take; a file still being uploaded and every document's file stay."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from documents.models import Document
from documents.services import document_content, document_upload
from documents.sweep import GRACE

from .conftest import PDF, stored_files, upload

pytestmark = pytest.mark.django_db


class RolledBack(Exception):
    pass


@pytest.mark.real_clock  # a stored file's age is its modification time's
def test_a_file_left_by_a_rolled_back_upload_is_swept_once_old_enough(case, owner, document_dir):
    kept = document_upload(actor=owner, case=case, file=upload(), category="identity")
    with pytest.raises(RolledBack), transaction.atomic():
        document_upload(actor=owner, case=case, file=upload("other.pdf"), category="identity")
        raise RolledBack
    assert Document.objects.count() == 1
    assert len(stored_files(document_dir)) == 2  # the rolled-back upload's file is left

    call_command("documents_sweep")
    assert len(stored_files(document_dir)) == 2  # an upload may still be in flight

    with time_machine.travel(timezone.now() + GRACE + dt.timedelta(minutes=1)):
        call_command("documents_sweep")
    assert [path.name for path in stored_files(document_dir)] == [kept.storage_name]
    assert document_content(kept) == PDF
