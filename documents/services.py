"""Writes of documents: upload (checked, encrypted, stored under a random name) and removal of
the stored file with its row."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case, Consent
from legal.models import LegalProceeding
from organisations.models import User
from plans.models import Plan
from returns.models import CrossBorderReturn

from . import storage
from .files import checked_content
from .models import Document
from .permissions import can_attach_to, can_upload_documents, uploadable_categories

NAME_LENGTH = 255


def document_upload(
    *,
    actor: User,
    case: Case,
    file,
    category: str,
    consent: Consent | None = None,
    plan: Plan | None = None,
    proceeding: LegalProceeding | None = None,
    cross_border_return: CrossBorderReturn | None = None,
) -> Document:
    """Attach a file to a case, or to one of its consents, plans, legal proceedings or its
    cross-border return. Nothing is stored unless everything is accepted: a refused file leaves
    neither a row nor a stored file."""
    if not can_upload_documents(actor, case):
        raise PermissionDenied
    if category not in uploadable_categories(actor, case):
        raise ValidationError({"category": _("You may not add documents of this category.")})
    if consent is not None and consent.case_id != case.pk:
        raise ValidationError({"consent": _("This consent belongs to another case.")})
    if plan is not None and plan.case_id != case.pk:
        raise ValidationError({"plan": _("This plan belongs to another case.")})
    if proceeding is not None and proceeding.case_id != case.pk:
        raise ValidationError({"proceeding": _("This legal proceeding belongs to another case.")})
    if cross_border_return is not None and cross_border_return.case_id != case.pk:
        raise ValidationError({"cross_border_return": _("This return belongs to another case.")})
    attached = {"proceeding": proceeding, "cross_border_return": cross_border_return}
    for name, record in attached.items():
        if record is not None and not can_attach_to(actor, case, name):
            raise PermissionDenied
    content, content_type = checked_content(file)
    name = storage.encrypted_save(content)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                case=case,
                consent=consent,
                plan=plan,
                proceeding=proceeding,
                cross_border_return=cross_border_return,
                category=category,
                content_type=content_type,
                size=len(content),
                original_name=_clean_name(getattr(file, "name", "") or ""),
                storage_name=name,
                uploaded_by=actor,
            )
    except BaseException:
        storage.delete(name)
        raise
    return document


def _clean_name(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:NAME_LENGTH] or _("document")


def document_content(document: Document) -> bytes:
    """The file, decrypted."""
    return storage.decrypted_read(document.storage_name)
