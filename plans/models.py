"""The reintegration plan: needs assessments by domain, the family assessment before return,
community preparation, the plan's goals and actions with the services delivered, livelihood
facts, and the approvals of a plan and of a case's closure.

Free text that may tell a survivor's story (notes, risks, goals, reasons) is encrypted at rest,
like the case's sensitive facts. The health domain (HIV care among it) is restricted like the
case's health facts: see `plans.permissions`.

Every record a partner reads has an `updated_at`, so that it syncs with `updated_since`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.encryption import EncryptedTextField
from cases.models import Case, ClosureReason
from organisations.validation import ValidatedModel


class Domain(models.TextChoices):
    SAFETY = "safety", _("Safety and protection")
    HEALTH = "health", _("Physical and mental health")
    FAMILY = "family", _("Family relations")
    COMMUNITY = "community", _("Community acceptance")
    EDUCATION = "education", _("Education")
    LIVELIHOOD = "livelihood", _("Livelihood and income")
    LEGAL = "legal", _("Legal")


# Domains whose scores, notes and goals are health facts.
RESTRICTED_DOMAINS = frozenset({Domain.HEALTH})


class Score(models.IntegerChoices):
    SERIOUS = 1, _("1 · Serious concern")
    SOME = 2, _("2 · Some concern")
    ADEQUATE = 3, _("3 · Adequate")
    GOOD = 4, _("4 · Good")


class Occasion(models.TextChoices):
    INTAKE = "intake", _("At intake")
    REVIEW = "review", _("At a review")


class NeedsAssessment(ValidatedModel, models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="needs_assessments")
    assessed_on = models.DateField(_("date of the assessment"))
    occasion = models.CharField(_("occasion"), max_length=16, choices=Occasion.choices)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("needs assessment")
        ordering = ["assessed_on", "pk"]
        indexes = [models.Index(fields=["case", "assessed_on"])]

    def __str__(self) -> str:
        return f"{self.case} · {self.assessed_on}"


class DomainScore(ValidatedModel, models.Model):
    assessment = models.ForeignKey(NeedsAssessment, on_delete=models.CASCADE, related_name="scores")
    domain = models.CharField(_("domain"), max_length=16, choices=Domain.choices)
    score = models.PositiveSmallIntegerField(_("score"), choices=Score.choices)
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("domain score")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="one_score_per_domain"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=4), name="score_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.score}"


class Attitude(models.TextChoices):
    SUPPORTIVE = "supportive", _("Supportive")
    MIXED = "mixed", _("Mixed or unsure")
    HOSTILE = "hostile", _("Hostile or rejecting")


class Recommendation(models.TextChoices):
    RETURN = "return", _("Return to family")
    RETURN_WITH_CONDITIONS = "return_with_conditions", _("Return with conditions")
    ALTERNATIVE = "alternative", _("Alternative option")


class AlternativeOption(models.TextChoices):
    INDEPENDENT_LIVING = "independent_living", _("Independent living")
    RESIDENTIAL_CARE = "residential_care", _("Long-term residential care")
    FOSTER_OR_GROUP_HOME = "foster_or_group_home", _("Foster or group home")
    KINSHIP_CARE = "kinship_care", _("Kinship care")


class FamilyAssessment(ValidatedModel, models.Model):
    """The home visit before return, and what it recommends."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="family_assessments")
    visited_on = models.DateField(_("date of the home visit"))
    people_met = models.CharField(_("who was met"), max_length=300)
    family_attitude = models.CharField(
        _("attitude of the family"), max_length=16, choices=Attitude.choices
    )
    community_attitude = models.CharField(
        _("attitude of the community"), max_length=16, choices=Attitude.choices
    )
    family_member_involved = models.BooleanField(
        _("a family member was involved in the trafficking"), default=False
    )
    risks = EncryptedTextField(_("risks"), blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=32, choices=Recommendation.choices
    )
    alternative_option = models.CharField(
        _("alternative option"), max_length=32, choices=AlternativeOption.choices, blank=True
    )
    reason = EncryptedTextField(_("reason"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("family assessment")
        ordering = ["visited_on", "pk"]
        constraints = [
            # An alternative option is named exactly when it is the recommendation.
            models.CheckConstraint(
                condition=(Q(recommendation="alternative") & ~Q(alternative_option=""))
                | (~Q(recommendation="alternative") & Q(alternative_option="")),
                name="alternative_option_iff_recommended",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.visited_on}"


class CommunityPreparation(ValidatedModel, models.Model):
    """Phase one of traditional resources: who in the community was engaged before return, and
    what they agreed to do."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="community_preparation")
    resource = models.ForeignKey(
        "followup.CommunityResource",
        verbose_name=_("community resource"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    met_on = models.DateField(_("date"))
    agreed_to = models.CharField(_("what they agreed to do"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("community preparation step")
        ordering = ["met_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case} · {self.met_on}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Replaced by a newer version")


OPEN_PLAN_STATUSES = (PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.RETURNED)


class Plan(ValidatedModel, models.Model):
    """One version of a case's reintegration plan. A case has at most one version being worked
    on (draft, submitted or returned) and at most one approved version; approving a new version
    supersedes the previous one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    review_date = models.DateField(_("next review"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reintegration plan")
        ordering = ["case_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="plan_version_unique"),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["draft", "submitted", "returned"]),
                name="one_open_plan_per_case",
            ),
            # "My work" reads the plan in force of each case, and its review date, from this
            # index alone.
            models.UniqueConstraint(
                fields=["case"],
                include=["id", "review_date"],
                condition=Q(status="approved"),
                name="one_approved_plan_per_case",
            ),
        ]
        indexes = [
            # "My work": the plans returned to the person who submitted them.
            models.Index(
                fields=["submitted_by"], condition=Q(status="returned"), name="plan_returned_to"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} · v{self.version}"

    @property
    def is_editable(self) -> bool:
        return self.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)


class Goal(ValidatedModel, models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals", db_index=False)
    domain = models.CharField(_("domain"), max_length=16, choices=Domain.choices)
    description = EncryptedTextField(_("goal"))

    class Meta:
        verbose_name = _("goal")
        ordering = ["plan_id", "pk"]
        # A plan's goals, their ids read from the index alone ("My work").
        indexes = [models.Index(fields=["plan"], include=["id"], name="goals_of_plan")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.domain}"


class ProviderKind(models.TextChoices):
    OWN = "own", _("Our organisation")
    REFERRAL = "referral", _("Another organisation, by referral")
    COMMUNITY = "community", _("A community resource")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Action(ValidatedModel, models.Model):
    """An action or service towards a goal, with who provides it and by when."""

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="actions"
    )
    what = models.CharField(_("action or service"), max_length=300)
    provider_kind = models.CharField(_("provided by"), max_length=16, choices=ProviderKind.choices)
    referral = models.ForeignKey(
        "referrals.Referral",
        verbose_name=_("referral"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resource = models.ForeignKey(
        "followup.CommunityResource",
        verbose_name=_("community resource"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    target_date = models.DateField(_("target date"))
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("action")
        ordering = ["goal_id", "target_date", "pk"]
        indexes = [
            # "My work": a goal's actions still to do, by target date.
            models.Index(
                fields=["goal", "target_date"],
                include=["id"],
                condition=Q(status__in=["planned", "in_progress"]),
                name="actions_to_do",
            )
        ]

    def __str__(self) -> str:
        return self.what


class ServiceDelivery(ValidatedModel, models.Model):
    """A service delivered against a plan action: the answer to "which services did this
    survivor receive, from whom, when"."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services_delivered")
    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.PROTECT, related_name="deliveries"
    )
    delivered_on = models.DateField(_("date delivered"))
    provider = models.CharField(_("provider"), max_length=200)
    note = EncryptedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")
        ordering = ["delivered_on", "pk"]
        indexes = [models.Index(fields=["case", "delivered_on"])]

    def __str__(self) -> str:
        return f"{self.case} · {self.delivered_on}"


class LivelihoodKind(models.TextChoices):
    TRAINING = "training", _("Vocational training")
    PLACEMENT = "placement", _("Job placement")
    BUSINESS = "business", _("Small business support")


class EmployerKind(models.TextChoices):
    FACTORY = "factory", _("Factory")
    SHOP_OR_SERVICE = "shop_or_service", _("Shop, restaurant or service")
    FARM = "farm", _("Farm")
    HOUSEHOLD = "household", _("Household")
    OTHER = "other", _("Other")


class LivelihoodFact(ValidatedModel, models.Model):
    """Training, a job or business support, tracked over time, because income generation is
    the hardest part of reintegration. Which fields apply depends on the kind."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="livelihood_facts")
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("goal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="livelihood_facts",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=LivelihoodKind.choices)
    course = models.CharField(_("course"), max_length=200, blank=True)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    started_on = models.DateField(_("start"), null=True, blank=True)
    ended_on = models.DateField(_("end"), null=True, blank=True)
    completed = models.BooleanField(_("completed"), default=False)
    employer_kind = models.CharField(
        _("kind of employer"), max_length=32, choices=EmployerKind.choices, blank=True
    )
    monthly_income_riel = models.PositiveIntegerField(
        _("monthly income (riel)"), null=True, blank=True
    )
    support_kind = models.CharField(_("kind of support"), max_length=200, blank=True)
    amount_riel = models.PositiveIntegerField(_("grant or loan (riel)"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("livelihood fact")
        ordering = ["started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case} · {self.kind}"


class ApprovalKind(models.TextChoices):
    PLAN = "plan", _("Reintegration plan")
    CLOSURE = "closure", _("Closing the case")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class Approval(ValidatedModel, models.Model):
    """A request for a supervisor's decision: a plan version, or closing a case. Nobody decides
    their own request; a returned request carries the supervisor's comment."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(_("what"), max_length=16, choices=ApprovalKind.choices)
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="approvals"
    )
    closure_reason = models.CharField(
        _("reason for closing"), max_length=32, choices=ClosureReason.choices, blank=True
    )
    note = EncryptedTextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = EncryptedTextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("approval")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(status="pending"),
                name="one_pending_approval_per_case_and_kind",
            ),
            models.CheckConstraint(
                condition=(Q(kind="plan") & Q(plan__isnull=False))
                | (Q(kind="closure") & Q(plan__isnull=True) & ~Q(closure_reason="")),
                name="approval_names_its_subject",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind", "case"])]

    def __str__(self) -> str:
        return f"{self.case} · {self.kind} · {self.status}"


class Progress(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    SOME = "some", _("Some progress")
    GOOD = "good", _("Good progress")
    ACHIEVED = "achieved", _("Achieved")


class PlanReview(ValidatedModel, models.Model):
    """A review of an approved plan: progress per goal, and the needs assessment scored again."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("date of the review"))
    assessment = models.OneToOneField(
        NeedsAssessment, on_delete=models.PROTECT, related_name="review"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan review")
        ordering = ["reviewed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.plan} · {self.reviewed_on}"


class GoalProgress(ValidatedModel, models.Model):
    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="progress")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="progress")
    progress = models.CharField(_("progress"), max_length=16, choices=Progress.choices)
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("progress on a goal")
        constraints = [
            models.UniqueConstraint(fields=["review", "goal"], name="one_progress_per_goal")
        ]

    def __str__(self) -> str:
        return f"{self.goal} · {self.progress}"
