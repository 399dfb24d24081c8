import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Consent
from organisations.models import Organisation
from organisations.validation import ValidatedModel


class Service(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    MEDICAL_CARE = "medical_care", _("Medical care")
    HIV_CARE = "hiv_care", _("HIV care and treatment")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial counselling")
    LEGAL_AID = "legal_aid", _("Legal aid")
    VOCATIONAL_TRAINING = "vocational_training", _("Vocational training")
    INCOME_GENERATION = "income_generation", _("Income generation")
    EDUCATION = "education", _("Education")
    FAMILY_TRACING = "family_tracing", _("Family tracing and assessment")
    REPATRIATION = "repatriation", _("Repatriation")
    COMMUNITY_SUPPORT = "community_support", _("Community support")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency")


class Status(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# Sent and not yet ended: declined, completed and cancelled referrals are closed.
OPEN_STATUSES = (Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS)


class DataCategory(models.TextChoices):
    """What a referral may share; each has its own consent flag and `shares_*` flag."""

    IDENTITY = "identity", _("identity")
    CASE_FACTS = "case_facts", _("case facts")
    HEALTH = "health", _("health facts")


class Referral(ValidatedModel, models.Model):
    """One organisation asks another to provide a service to a survivor."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="referrals"
    )
    from_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("referred by"),
        on_delete=models.PROTECT,
        related_name="referrals_sent",
    )
    to_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("referred to"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    service = models.CharField(_("service"), max_length=32, choices=Service.choices)
    reason = models.TextField(_("reason for the referral"))
    urgency = models.CharField(
        _("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    shares_identity = models.BooleanField(_("share identity"), default=False)
    shares_case_facts = models.BooleanField(_("share case facts"), default=False)
    shares_health = models.BooleanField(_("share health facts"), default=False)
    consent = models.ForeignKey(
        Consent,
        verbose_name=_("consent relied on"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    override_reason = models.TextField(_("reason for sending without consent"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("overridden by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SENT
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_days = models.PositiveIntegerField(
        _("days to answer"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Days from sending to the answer, in Phnom Penh dates; set with the answer."),
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    access_ends_on = models.DateField(
        _("receiver's access ends on"),
        null=True,
        blank=True,
        help_text=_("Set on completion: the sending organisation's grace period."),
    )
    access_revoked_at = models.DateTimeField(
        _("receiver's access ended at"),
        null=True,
        blank=True,
        help_text=_("Stamped once, by whichever service ends this referral's claim to access."),
    )
    consent_revoked_at = models.DateTimeField(
        _("consent withdrawn at"),
        null=True,
        blank=True,
        help_text=_("The consent this referral relied on was withdrawn."),
    )
    # The consent's own dates, copied by the database on every write of the referral or of
    # its consent (referrals.triggers): whether the consent still holds is read from the
    # referral's row, and so from the `referral_grants` index alone. Never written here.
    consent_expires_on = models.DateField(null=True, blank=True, editable=False)
    consent_withdrawn_on = models.DateField(null=True, blank=True, editable=False)
    # The case's organisation, worker, risk level and intake date, copied by the database on
    # every write of the referral or of those of its case (referrals.triggers): the receiver's
    # caseload sorts the cases shared with it from its grants, without reading each case.
    # Never written here, never shown. Nullable, so that SQLite adds them without rebuilding
    # the table, which would drop its triggers.
    case_organisation_id = models.BigIntegerField(null=True, editable=False)
    case_assigned_worker_id = models.BigIntegerField(null=True, editable=False)
    case_risk_level = models.CharField(max_length=8, null=True, editable=False)  # noqa: DJ001
    case_intake_date = models.DateField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("referral")
        ordering = ["-sent_at", "-id"]
        indexes = [
            # A status of an organisation's referrals, oldest sent first: the referrals
            # waiting for an answer in everyone's work list are read up to the last day it
            # shows (plans.work._first_days) and the rest counted from here alone.
            models.Index(fields=["to_organisation", "status", "sent_at"], name="referral_inbox"),
            # The inbox's page, newest first, read in order rather than sorted.
            models.Index(
                fields=["to_organisation", "-sent_at", "-id"], name="referral_inbox_order"
            ),
            models.Index(fields=["from_organisation", "status"], name="referral_outbox"),
            models.Index(fields=["case", "to_organisation"], name="referral_case_receiver"),
            # What an organisation reads of others' cases (`holding_access`, read once by every
            # caseload page), from the index alone, its consents' dates included: for the
            # 20,000-case NGO's 3,800 received referrals, 53 index pages instead of 1,100
            # scattered table pages; the case's sort keys too (`caseload_ids`). PostgreSQL
            # only keeps the included columns; elsewhere it is the inbox's index again.
            models.Index(
                fields=["to_organisation", "status"],
                include=[
                    "case",
                    "consent_expires_on",
                    "consent_withdrawn_on",
                    "access_ends_on",
                    "access_revoked_at",
                    "consent_revoked_at",
                    "shares_identity",
                    "shares_case_facts",
                    "shares_health",
                    "case_organisation_id",
                    "case_assigned_worker_id",
                    "case_risk_level",
                    "case_intake_date",
                ],
                name="referral_grants",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_organisation=models.F("to_organisation")),
                name="referral_to_another_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(consent__isnull=False) | ~models.Q(override_reason=""),
                name="referral_has_consent_or_override",
            ),
            # At most one open referral of a case to an organisation for a service, whatever
            # path sends it: a double tap, parallel API posts, the admin.
            models.UniqueConstraint(
                fields=["case", "to_organisation", "service"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="referral_one_open_per_service",
                violation_error_message=_(
                    "This case already has an open referral to this organisation for this service."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.to_organisation} · {self.get_service_display()}"

    @property
    def categories(self) -> set[str]:
        return {
            category
            for category, shared in (
                (DataCategory.IDENTITY, self.shares_identity),
                (DataCategory.CASE_FACTS, self.shares_case_facts),
                (DataCategory.HEALTH, self.shares_health),
            )
            if shared
        }

    @property
    def category_labels(self) -> list[str]:
        return [str(label) for value, label in DataCategory.choices if value in self.categories]

    @property
    def is_overridden(self) -> bool:
        return self.consent_id is None

    def record_answer(self, actor) -> None:
        """Stamp the answer: who, when, and after how many days (the dashboards' median)."""
        self.answered_at, self.answered_by = timezone.now(), actor
        self.answer_days = self.days_waiting()

    def days_waiting(self, today: dt.date | None = None) -> int:
        """Days from sending to the answer, or to today while unanswered."""
        end = timezone.localdate(self.answered_at) if self.answered_at else None
        end = end or today or timezone.localdate()
        return (end - timezone.localdate(self.sent_at)).days

    @property
    def waiting_days(self) -> int:
        return self.days_waiting()
