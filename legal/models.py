"""A survivor's legal proceedings: complaints, trials, civil claims and immigration matters,
their hearings, the protection arranged around them and the compensation ordered.

All of it is legal detail, restricted like health facts (legal/permissions.py); free text is
encrypted at rest. Courts and file numbers are free text too: a file number names the case to
anyone who can search a court's register."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.encryption import EncryptedTextField
from cases.models import Case
from organisations.validation import ValidatedModel


class ProceedingKind(models.TextChoices):
    CRIMINAL_COMPLAINT = "criminal_complaint", _("Criminal complaint")
    TRIAL = "trial", _("Trial")
    CIVIL_COMPENSATION = "civil_compensation", _("Civil compensation claim")
    IMMIGRATION = "immigration", _("Immigration proceeding")


class SurvivorRole(models.TextChoices):
    COMPLAINANT = "complainant", _("Complainant")
    WITNESS = "witness", _("Witness")


class ProceedingStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    INVESTIGATION = "investigation", _("Under investigation")
    TRIAL = "trial", _("At trial")
    APPEAL = "appeal", _("On appeal")
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn or dismissed")


class LegalProceeding(ValidatedModel, models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="legal_proceedings"
    )
    kind = models.CharField(_("kind of proceeding"), max_length=24, choices=ProceedingKind.choices)
    court = EncryptedTextField(_("court or authority"))
    file_number = EncryptedTextField(_("file number"), blank=True)
    lawyer = EncryptedTextField(_("lawyer or legal-aid organisation"), blank=True)
    charges = EncryptedTextField(_("charges"), blank=True)
    survivor_role = models.CharField(
        _("the survivor's role"), max_length=16, choices=SurvivorRole.choices
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProceedingStatus.choices, default=ProceedingStatus.FILED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Its hearings, protection measures and compensation are part of it, as the API gives
    # it: writing any of them changes it too (legal.services).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("legal proceeding")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()}"


class Attendance(models.TextChoices):
    NOT_RECORDED = "", _("Not recorded yet")
    ATTENDED = "attended", _("Attended")
    NOT_NEEDED = "not_needed", _("Not required to attend")
    DID_NOT_ATTEND = "did_not_attend", _("Did not attend")
    POSTPONED = "postponed", _("Hearing postponed")


class TestimonyArrangement(models.TextChoices):
    NONE = "", _("None")
    SCREEN = "screen", _("Screen in the courtroom")
    VIDEO_LINK = "video_link", _("Video link")
    CLOSED_HEARING = "closed_hearing", _("Hearing closed to the public")
    OTHER = "other", _("Other")


class Hearing(ValidatedModel, models.Model):
    # The audit log names the case of a record kept under a proceeding (audit.services).
    audit_parent = "proceeding"

    proceeding = models.ForeignKey(
        LegalProceeding,
        verbose_name=_("legal proceeding"),
        on_delete=models.CASCADE,
        related_name="hearings",
    )
    date = models.DateField(_("date"))
    time = models.TimeField(_("time"), null=True, blank=True)
    court = EncryptedTextField(_("court"), blank=True)
    purpose = EncryptedTextField(_("purpose"), blank=True)
    accompanied_by = EncryptedTextField(_("accompanied by"), blank=True)
    transport = EncryptedTextField(_("transport"), blank=True)
    testimony_arrangement = models.CharField(
        _("testimony arrangement"),
        max_length=16,
        choices=TestimonyArrangement.choices,
        blank=True,
    )
    attendance = models.CharField(
        _("attendance"), max_length=16, choices=Attendance.choices, blank=True
    )
    outcome = EncryptedTextField(_("outcome"), blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hearing")
        ordering = ["date", "time", "id"]
        indexes = [models.Index(fields=["date", "attendance"])]

    def __str__(self) -> str:
        return f"{self.proceeding} · {self.date}"

    @property
    def is_open(self) -> bool:
        """Still to take place or to be recorded: it may be moved, cancelled or recorded."""
        return self.cancelled_at is None and self.recorded_at is None


class ProtectionKind(models.TextChoices):
    WITNESS_PROTECTION = "witness_protection", _("Witness protection")
    SAFE_HOUSE = "safe_house", _("Safe house")
    NO_CONTACT_ORDER = "no_contact_order", _("No-contact order")


class ProtectionMeasure(ValidatedModel, models.Model):
    # The audit log names the case of a record kept under a proceeding (audit.services).
    audit_parent = "proceeding"

    proceeding = models.ForeignKey(
        LegalProceeding,
        verbose_name=_("legal proceeding"),
        on_delete=models.CASCADE,
        related_name="protection_measures",
    )
    kind = models.CharField(_("protection measure"), max_length=24, choices=ProtectionKind.choices)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("protection measure")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="protection_ends_after_it_starts",
                violation_error_message=_("The end cannot come before the start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.proceeding} · {self.get_kind_display()}"


class Compensation(ValidatedModel, models.Model):
    # The audit log names the case of a record kept under a proceeding (audit.services).
    audit_parent = "proceeding"

    proceeding = models.ForeignKey(
        LegalProceeding,
        verbose_name=_("legal proceeding"),
        on_delete=models.CASCADE,
        related_name="compensations",
    )
    ordered_riel = models.PositiveBigIntegerField(_("amount ordered (riel)"))
    ordered_on = models.DateField(_("ordered on"))
    paid_riel = models.PositiveBigIntegerField(_("amount paid (riel)"), default=0)
    paid_on = models.DateField(_("last paid on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("compensation")
        ordering = ["ordered_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(paid_riel__lte=models.F("ordered_riel")),
                name="compensation_paid_at_most_ordered",
                violation_error_message=_("More cannot be paid than was ordered."),
            ),
            models.CheckConstraint(
                condition=models.Q(paid_riel=0) | models.Q(paid_on__isnull=False),
                name="compensation_payment_has_a_date",
                violation_error_message=_("Give the date of the payment."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proceeding} · {self.ordered_riel} KHR"
