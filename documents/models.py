"""Files attached to a survivor's case: scans of identity documents, signed consent forms,
court papers, medical reports.

A document always belongs to a case (whose organisation owns it and whose sharing decides who
else sees it) and, at most, to one record of that case: a consent, a reintegration plan, a
legal proceeding or a cross-border return. A new kind of record adds one nullable foreign key
and its name to `ATTACHED_TO` (and to `RESTRICTED_ATTACHMENTS` in documents/permissions.py
when the record itself is restricted). The file itself is encrypted and stored under a random
name through the `documents` storage (documents/storage.py); the uploaded name is kept here,
encrypted."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.encryption import EncryptedTextField
from cases.models import Case, Consent
from legal.models import LegalProceeding
from organisations.validation import ValidatedModel
from plans.models import Plan
from returns.models import CrossBorderReturn


class Category(models.TextChoices):
    IDENTITY = "identity", _("Identity document")
    CONSENT_FORM = "consent_form", _("Consent form")
    LEGAL = "legal", _("Legal")
    HEALTH = "health", _("Health")
    OTHER = "other", _("Other")


class ContentType(models.TextChoices):
    """The kinds of file accepted, as found in the file's first bytes."""

    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"


# The records a document may be attached to besides its case: at most one of them.
ATTACHED_TO = ("consent", "plan", "proceeding", "cross_border_return")


def _at_most_one_attachment() -> Q:
    one_or_none = Q(**{f"{name}__isnull": True for name in ATTACHED_TO})
    for name in ATTACHED_TO:
        others = {f"{other}__isnull": True for other in ATTACHED_TO if other != name}
        one_or_none |= Q(**{f"{name}__isnull": False}, **others)
    return one_or_none


class Document(ValidatedModel, models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    consent = models.ForeignKey(
        Consent,
        verbose_name=_("consent"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("reintegration plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    proceeding = models.ForeignKey(
        LegalProceeding,
        verbose_name=_("legal proceeding"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    cross_border_return = models.ForeignKey(
        CrossBorderReturn,
        verbose_name=_("cross-border return"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    content_type = models.CharField(_("file type"), max_length=32, choices=ContentType.choices)
    size = models.PositiveIntegerField(_("size in bytes"))
    original_name = EncryptedTextField(_("file name"))
    # Random, never derived from the uploaded name or the survivor.
    storage_name = models.CharField(max_length=100, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["case", "category"], name="document_case_category")]
        constraints = [
            models.CheckConstraint(
                condition=_at_most_one_attachment(), name="document_attached_to_one_record"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} #{self.pk}"
