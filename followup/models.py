from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from organisations.models import Commune, Organisation, Province
from organisations.validation import ValidatedModel


class ResourceKind(models.TextChoices):
    PAGODA = "pagoda", _("Pagoda or monk")
    VILLAGE_CHIEF = "village_chief", _("Village chief")
    COMMUNE_COUNCIL = "commune_council", _("Commune council")
    SCHOOL = "school", _("Teacher or school")
    SAVINGS_GROUP = "savings_group", _("Savings group")
    VOCATIONAL_CENTRE = "vocational_centre", _("Vocational centre")
    HEALTH_CENTRE = "health_centre", _("Health centre")
    OTHER = "other", _("Other")


class CommunityResource(ValidatedModel, models.Model):
    """A person or place in a community that supports survivors after return. A directory
    shared by every organisation; only the organisation that added an entry changes it."""

    kind = models.CharField(_("kind"), max_length=32, choices=ResourceKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_km = models.CharField(_("name (Khmer)"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("added by organisation"),
        on_delete=models.PROTECT,
        related_name="community_resources",
    )
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("community resource")
        ordering = ["province_id", "commune_id", "kind", "name"]
        indexes = [models.Index(fields=["province", "commune", "kind"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


class Rating(models.IntegerChoices):
    VERY_POOR = 1, _("Very poor")
    POOR = 2, _("Poor")
    FAIR = 3, _("Fair")
    GOOD = 4, _("Good")
    VERY_GOOD = 5, _("Very good")


class SchoolOrWork(models.TextChoices):
    SCHOOL = "school", _("At school")
    TRAINING = "training", _("In vocational training")
    EMPLOYED = "employed", _("Employed")
    OWN_BUSINESS = "own_business", _("Own business or farming")
    LOOKING = "looking", _("Looking for work")
    NEITHER = "neither", _("Neither school nor work")


RATING_FIELDS = ("safety", "health", "family_acceptance", "community_acceptance")
MET_FIELDS = (
    "met_survivor",
    "met_family",
    "met_village_chief",
    "met_monk",
    "met_teacher",
    "met_commune_council",
    "met_vdc",
)


class FollowUpVisit(ValidatedModel, models.Model):
    """A community follow-up visit after a survivor's return: planned, then done or missed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followup_visits")
    scheduled_for = models.DateField(_("scheduled for"))
    assigned_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("social worker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followup_visits",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    plan_month = models.PositiveSmallIntegerField(
        _("month of the follow-up plan"), null=True, blank=True
    )
    moved_reason = models.TextField(_("why the visit was moved"), blank=True)
    cancel_reason = models.TextField(_("why the visit was cancelled"), blank=True)

    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    met_survivor = models.BooleanField(_("met the survivor"), default=False)
    met_family = models.BooleanField(_("met the family"), default=False)
    met_village_chief = models.BooleanField(_("met the village chief"), default=False)
    met_monk = models.BooleanField(_("met a monk"), default=False)
    met_teacher = models.BooleanField(_("met a teacher"), default=False)
    met_commune_council = models.BooleanField(_("met the commune council"), default=False)
    met_vdc = models.BooleanField(_("met the Village Development Committee"), default=False)
    safety = models.PositiveSmallIntegerField(
        _("safety"), choices=Rating.choices, null=True, blank=True
    )
    health = models.PositiveSmallIntegerField(
        _("health"), choices=Rating.choices, null=True, blank=True
    )
    family_acceptance = models.PositiveSmallIntegerField(
        _("family acceptance"), choices=Rating.choices, null=True, blank=True
    )
    community_acceptance = models.PositiveSmallIntegerField(
        _("community acceptance"), choices=Rating.choices, null=True, blank=True
    )
    school_or_work = models.CharField(
        _("school or work"), max_length=16, choices=SchoolOrWork.choices, blank=True
    )
    monthly_income_riel = models.PositiveIntegerField(
        _("monthly income (riel)"), null=True, blank=True
    )
    debts_riel = models.PositiveIntegerField(_("debts (riel)"), null=True, blank=True)
    risk_signs = models.TextField(_("signs of risk"), blank=True)
    retrafficking_risk = models.BooleanField(_("risk of re-trafficking"), default=False)
    resources = models.ManyToManyField(
        CommunityResource,
        verbose_name=_("community resources involved"),
        blank=True,
        related_name="visits",
    )
    notes = models.TextField(_("notes"), blank=True)
    next_visit_on = models.DateField(_("next visit"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("follow-up visit")
        ordering = ["scheduled_for", "id"]
        indexes = [
            models.Index(fields=["assigned_worker", "status", "scheduled_for"]),
            # A case's visits by status and date; "My work" reads its planned visits (with
            # their ids) from this index alone.
            models.Index(
                fields=["case", "status", "scheduled_for"],
                include=["id"],
                name="visits_of_case",
            ),
            models.Index(fields=["status", "scheduled_for"]),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.scheduled_for}"

    @property
    def wellbeing(self) -> float | None:
        """The mean of the four ratings given, for the chart of a case's follow-up."""
        ratings = [getattr(self, name) for name in RATING_FIELDS if getattr(self, name)]
        return sum(ratings) / len(ratings) if ratings else None


# What a visit record holds besides its date and the resources involved; forms, services
# and the API all take their fields from here.
VISIT_RECORD_FIELDS = (
    "place",
    "met_survivor",
    "met_family",
    "met_village_chief",
    "met_monk",
    "met_teacher",
    "met_commune_council",
    "met_vdc",
    "safety",
    "health",
    "family_acceptance",
    "community_acceptance",
    "school_or_work",
    "monthly_income_riel",
    "debts_riel",
    "risk_signs",
    "retrafficking_risk",
    "notes",
    "next_visit_on",
)


class ReminderKind(models.TextChoices):
    UPCOMING = "upcoming", _("Visit coming up")
    DAY_BEFORE = "day_before", _("The day before")
    DUE = "due", _("Visit due")
    OVERDUE = "overdue", _("Visit overdue")


class ReminderQuerySet(models.QuerySet):
    def end(self) -> None:
        """Their subject is over (the visit recorded, missed or cancelled, the action done, the
        decision taken, the case closed): the unsent ones go, and an e-mail of a sent one that
        still waits for the mail server is withdrawn rather than delivered late and wrong. An
        e-mail already in the mail server's hands is left to finish."""
        EmailDelivery.objects.filter(reminder__in=self, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.WITHDRAWN
        )
        self.filter(sent_at__isnull=True).delete()


class Reminder(ValidatedModel, models.Model):
    """What is due to be sent, kept in the database so that a lost broker or a killed worker
    loses nothing: one row per visit and kind, sent once.

    A reminder about the reintegration plan (an action or a review due, a request waiting for a
    decision) has no visit: it names its case and its topic ("action:<pk>", "review:<plan>:<day>",
    "approval:<pk>"), one row per topic and kind; plans.reminders writes and words them. A
    court hearing's ("hearing:<pk>:<day>") are legal.reminders'."""

    visit = models.ForeignKey(
        FollowUpVisit, on_delete=models.CASCADE, related_name="reminders", null=True, blank=True
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    topic = models.CharField(max_length=64, blank=True, default="")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    due_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        constraints = [
            models.UniqueConstraint(fields=["visit", "kind"], name="one_reminder_per_visit_kind"),
            models.UniqueConstraint(
                fields=["topic", "kind"],
                condition=~models.Q(topic=""),
                name="one_reminder_per_topic_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(visit__isnull=False, topic="")
                | models.Q(visit__isnull=True, case__isnull=False) & ~models.Q(topic=""),
                name="reminder_of_a_visit_or_a_topic",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"], condition=models.Q(sent_at__isnull=True), name="reminder_unsent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.visit or self.topic} · {self.get_kind_display()}"


class Notification(ValidatedModel, models.Model):
    """An in-app message. The unique (recipient, reminder) row is the claim that makes sending
    idempotent: a reminder can never notify the same person twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    reminder = models.ForeignKey(
        Reminder, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "reminder"], name="one_notification_per_reminder"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    REFUSED = "refused", _("Refused by the mail server")
    FAILED = "failed", _("Given up after repeated failures")
    WITHDRAWN = "withdrawn", _("Not sent: no longer due")


class EmailDelivery(ValidatedModel, models.Model):
    """One reminder e-mail to one person, recorded (pending) in the transaction that sends the
    reminder in-app, before any mail server is called. A run claims one row at a time
    (pending, or sending whose claim has lapsed), sends it and marks it sent, so a crash between
    sending and marking can repeat that one message and never a batch. A temporary failure is
    retried alone with a growing delay; a permanent refusal is kept and shown to supervisors."""

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="emails")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    address = models.EmailField()
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "recipient"], name="one_email_per_reminder_recipient"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="email_delivery_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reminder_id} → {self.address}"
