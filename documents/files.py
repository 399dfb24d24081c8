"""Which files are accepted: PDF, JPEG and PNG, by their first bytes (never the name or the
browser's content type), up to DOCUMENTS_MAX_BYTES."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .models import ContentType

# Each type's signature at the start of the file. Three types need no library: these are the
# formats' own definitions (PDF 1.7 §7.5.2, JFIF/Exif SOI marker, PNG §5.2).
SIGNATURES = (
    (b"%PDF-", ContentType.PDF),
    (b"\xff\xd8\xff", ContentType.JPEG),
    (b"\x89PNG\r\n\x1a\n", ContentType.PNG),
)
SNIFF_BYTES = max(len(signature) for signature, _kind in SIGNATURES)


def max_bytes() -> int:
    return settings.DOCUMENTS_MAX_BYTES


def content_type_of(head: bytes) -> str | None:
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    return None


def checked_content(upload) -> tuple[bytes, str]:
    """The upload's bytes and its type; ValidationError on the `file` field otherwise."""
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError({"file": _too_big(limit)}, code="too_big")
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError({"file": _too_big(limit)}, code="too_big")
    if not content:
        raise ValidationError({"file": _("The file is empty.")}, code="empty")
    kind = content_type_of(content[:SNIFF_BYTES])
    if kind is None:
        raise ValidationError(
            {"file": _("Only PDF, JPEG and PNG files are accepted; this file is none of them.")},
            code="wrong_type",
        )
    return content, kind


def _too_big(limit: int) -> str:
    return _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}
