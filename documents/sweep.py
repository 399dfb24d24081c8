"""Stored files that no document row names. An upload stores its file before the row is
committed, so a process killed in between, or a transaction rolled back around the upload,
leaves an encrypted file behind: unreadable without its row, but survivor data all the same,
kept past anonymisation and retention. The sweep deletes such files once they are older than an
upload can take, so an upload in flight is never touched."""

import datetime as dt
import logging
from itertools import islice

from django.utils import timezone

from .models import Document
from .storage import document_storage

logger = logging.getLogger(__name__)

GRACE = dt.timedelta(hours=1)
CHUNK = 1000


def orphan_files_delete(*, now: dt.datetime | None = None, grace: dt.timedelta = GRACE) -> int:
    """Delete the stored files older than `grace` that no document names; how many."""
    now = now or timezone.now()
    storage = document_storage()
    _directories, names = storage.listdir("")
    deleted = 0
    names = iter(names)
    while chunk := list(islice(names, CHUNK)):
        named = set(
            Document.objects.filter(storage_name__in=chunk).values_list("storage_name", flat=True)
        )
        for name in chunk:
            if name in named or storage.get_modified_time(name) > now - grace:
                continue
            storage.delete(name)
            deleted += 1
    if deleted:
        logger.warning("Deleted %d stored document files that no document named.", deleted)
    return deleted
