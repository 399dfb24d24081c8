"""Optimistic concurrency: an ETag from the row's id and last change; an update must send it
back in If-Match, so two systems never silently overwrite each other."""

import hashlib

from django.db.models import Model

from .exceptions import PreconditionFailed, PreconditionRequired


def etag_for(instance: Model) -> str:
    version = f"{type(instance).__name__}:{instance.pk}:{instance.updated_at.isoformat()}"
    return '"' + hashlib.sha256(version.encode()).hexdigest()[:32] + '"'


def _matches(header: str, etag: str) -> bool:
    candidates = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return etag in candidates or "*" in candidates


def check_if_match(request, instance: Model, *, required: bool) -> None:
    header = request.headers.get("If-Match")
    if header is None:
        if required:
            raise PreconditionRequired()
        return
    if not _matches(header, etag_for(instance)):
        raise PreconditionFailed()
