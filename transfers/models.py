"""A case handed from one organisation to another, which becomes its owner: when a survivor
moves province, or a shelter hands over to a community-based NGO. Distinct from a referral,
which shares a case for a service and leaves it with its owner."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.encryption import EncryptedTextField
from cases.models import Case, Consent
from organisations.models import Organisation
from organisations.validation import ValidatedModel


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class Transfer(ValidatedModel, models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="transfers"
    )
    from_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("transferred by"),
        on_delete=models.PROTECT,
        related_name="transfers_sent",
    )
    to_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("transferred to"),
        on_delete=models.PROTECT,
        related_name="transfers_received",
    )
    consent = models.ForeignKey(
        Consent,
        verbose_name=_("consent relied on"),
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    reason = models.TextField(_("reason for the transfer"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=TransferStatus.choices,
        default=TransferStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    requested_at = models.DateTimeField(_("requested at"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    sender_access_ends_on = models.DateField(
        _("the sending organisation reads the case until"),
        null=True,
        blank=True,
        help_text=_("Set on acceptance: the sending organisation reads the case before this day."),
    )
    sender_access_revoked_at = models.DateTimeField(
        _("the sending organisation's access ended at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Stamped once, by the job that notes the end of the grace period."),
    )
    # The case's identity and case facts when the transfer was accepted (cases.snapshots), as
    # JSON: what the sender reads during its grace period instead of the live case.
    sender_snapshot = EncryptedTextField(
        _("the case as the sending organisation handed it over"), blank=True, editable=False
    )

    class Meta:
        verbose_name = _("transfer")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["to_organisation", "status"], name="transfer_inbox"),
            models.Index(fields=["from_organisation", "status"], name="transfer_outbox"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_organisation=models.F("to_organisation")),
                name="transfer_to_another_organisation",
            ),
            # One request at a time: two organisations cannot both be about to own a case.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="requested"),
                name="transfer_one_requested_per_case",
                violation_error_message=_(
                    "This case already has a transfer waiting for an answer."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.to_organisation}"
