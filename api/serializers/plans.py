"""The reintegration plan: plans with their goals and actions, needs and family assessments,
community preparation, livelihood facts, approvals (of plans and of closing cases) and services
delivered. Only the organisation that owns a case works on its plan; the fields are shown by
their category in cases.visibility, and the health domain (HIV care among it) only to those
who see the case's health facts."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Case, ClosureReason
from cases.permissions import CASE_FACTS, HEALTH
from followup.models import CommunityResource
from followup.selectors import community_resources_for
from plans.models import (
    RESTRICTED_DOMAINS,
    Action,
    AlternativeOption,
    Approval,
    Attitude,
    CommunityPreparation,
    Domain,
    EmployerKind,
    FamilyAssessment,
    Goal,
    LivelihoodFact,
    LivelihoodKind,
    NeedsAssessment,
    Occasion,
    Plan,
    ProviderKind,
    Recommendation,
    ServiceDelivery,
)
from plans.selectors import cases_for_plan_work, goals_for

from ..fields import SaneDateField, VisiblePrimaryKeyField
from .base import ReadModelSerializer
from .cases import categories_of


def domains_seen(serializer, case_id: int) -> set[str]:
    """Scores and goals are case facts; the health domain's are health facts too."""
    categories = categories_of(serializer, case_id)
    if CASE_FACTS not in categories:
        return set()
    if HEALTH in categories:
        return set(Domain.values)
    return set(Domain.values) - set(RESTRICTED_DOMAINS)


class ActionSerializer(ReadModelSerializer):
    class Meta:
        model = Action
        fields = [
            "id",
            "what",
            "provider_kind",
            "referral",
            "resource",
            "target_date",
            "status",
            "outcome",
        ]
        read_only_fields = fields


class GoalSerializer(ReadModelSerializer):
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = ["id", "domain", "description", "actions"]
        read_only_fields = fields


class PlanSerializer(ReadModelSerializer):
    goals = serializers.SerializerMethodField(
        help_text="Goals with their actions; the health domain's only for those who see the "
        "case's health facts."
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "case",
            "version",
            "status",
            "review_date",
            "submitted_at",
            "goals",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(GoalSerializer(many=True))
    def get_goals(self, plan: Plan) -> list[dict]:
        seen = domains_seen(self, plan.case_id)
        goals = [goal for goal in plan.goals.all() if goal.domain in seen]
        return GoalSerializer(goals, many=True).data


class PlanCreateSerializer(serializers.Serializer):
    case = VisiblePrimaryKeyField(scope=cases_for_plan_work, model=Case)


class GoalCreateSerializer(serializers.Serializer):
    domain = serializers.ChoiceField(choices=Domain.choices)
    description = serializers.CharField(max_length=5000)


class ActionCreateSerializer(serializers.Serializer):
    goal = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    what = serializers.CharField(max_length=300)
    provider_kind = serializers.ChoiceField(choices=ProviderKind.choices)
    target_date = SaneDateField()
    referral = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, allow_null=True
    )
    resource = VisiblePrimaryKeyField(
        scope=community_resources_for, model=CommunityResource, required=False, allow_null=True
    )


class ScoreSerializer(serializers.Serializer):
    domain = serializers.ChoiceField(choices=Domain.choices)
    score = serializers.IntegerField(min_value=1, max_value=4)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class AssessmentSerializer(ReadModelSerializer):
    scores = serializers.SerializerMethodField(
        help_text="Each domain's score; the health domain's only for those who see the case's "
        "health facts."
    )

    class Meta:
        model = NeedsAssessment
        fields = ["id", "case", "assessed_on", "occasion", "scores", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(ScoreSerializer(many=True))
    def get_scores(self, assessment: NeedsAssessment) -> list[dict]:
        seen = domains_seen(self, assessment.case_id)
        return [
            {"domain": s.domain, "score": s.score, "note": s.note}
            for s in assessment.scores.all()
            if s.domain in seen
        ]


class AssessmentCreateSerializer(serializers.Serializer):
    case = VisiblePrimaryKeyField(scope=cases_for_plan_work, model=Case)
    assessed_on = SaneDateField()
    occasion = serializers.ChoiceField(choices=Occasion.choices)
    scores = ScoreSerializer(many=True, max_length=len(Domain.values))


class ApprovalSerializer(ReadModelSerializer):
    class Meta:
        model = Approval
        fields = [
            "id",
            "case",
            "kind",
            "plan",
            "closure_reason",
            "note",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "comment",
            "updated_at",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "approve"), ("return", "return")])
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ServiceDeliverySerializer(ReadModelSerializer):
    class Meta:
        model = ServiceDelivery
        fields = [
            "id",
            "case",
            "action",
            "delivered_on",
            "provider",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ServiceDeliveryCreateSerializer(serializers.Serializer):
    action = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    delivered_on = SaneDateField()
    provider = serializers.CharField(max_length=200)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ClosureRequestSerializer(serializers.Serializer):
    case = VisiblePrimaryKeyField(scope=cases_for_plan_work, model=Case)
    closure_reason = serializers.ChoiceField(choices=ClosureReason.choices)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class FamilyAssessmentSerializer(ReadModelSerializer):
    class Meta:
        model = FamilyAssessment
        fields = [
            "id",
            "case",
            "visited_on",
            "people_met",
            "family_attitude",
            "community_attitude",
            "family_member_involved",
            "risks",
            "recommendation",
            "alternative_option",
            "reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FamilyAssessmentCreateSerializer(serializers.Serializer):
    case = VisiblePrimaryKeyField(scope=cases_for_plan_work, model=Case)
    visited_on = SaneDateField()
    people_met = serializers.CharField(max_length=300)
    family_attitude = serializers.ChoiceField(choices=Attitude.choices)
    community_attitude = serializers.ChoiceField(choices=Attitude.choices)
    family_member_involved = serializers.BooleanField(default=False)
    risks = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)
    alternative_option = serializers.ChoiceField(
        choices=AlternativeOption.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when the recommendation is an alternative option.",
    )
    reason = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required unless the recommendation is to return to the family.",
    )


class CommunityPreparationSerializer(ReadModelSerializer):
    class Meta:
        model = CommunityPreparation
        fields = ["id", "case", "resource", "met_on", "agreed_to", "created_at", "updated_at"]
        read_only_fields = fields


class CommunityPreparationCreateSerializer(serializers.Serializer):
    case = VisiblePrimaryKeyField(scope=cases_for_plan_work, model=Case)
    resource = VisiblePrimaryKeyField(
        scope=community_resources_for,
        model=CommunityResource,
        help_text="A community resource of the directory (/community-resources/).",
    )
    met_on = SaneDateField()
    agreed_to = serializers.CharField(max_length=500)


LIVELIHOOD_FIELDS = [
    "kind",
    "goal",
    "course",
    "provider",
    "started_on",
    "ended_on",
    "completed",
    "employer_kind",
    "monthly_income_riel",
    "support_kind",
    "amount_riel",
]


class LivelihoodFactSerializer(ReadModelSerializer):
    class Meta:
        model = LivelihoodFact
        fields = ["id", "case", *LIVELIHOOD_FIELDS, "created_at", "updated_at"]
        read_only_fields = fields


def _riel(help_text: str):
    return serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, required=False, allow_null=True, help_text=help_text
    )


def _text(max_length: int):
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default=""
    )


class LivelihoodFactCreateSerializer(serializers.Serializer):
    """Which fields apply depends on the kind: a training's course, provider, dates and whether
    it was completed; a job's employer kind, start and monthly income; a business's kind of
    support and amount."""

    case = VisiblePrimaryKeyField(scope=cases_for_plan_work, model=Case)
    kind = serializers.ChoiceField(choices=LivelihoodKind.choices)
    goal = VisiblePrimaryKeyField(
        scope=goals_for,
        model=Goal,
        required=False,
        allow_null=True,
        help_text="A livelihood goal of the case's plan that this fact is towards.",
    )
    course = _text(200)
    provider = _text(200)
    started_on = SaneDateField(required=False, allow_null=True)
    ended_on = SaneDateField(required=False, allow_null=True)
    completed = serializers.BooleanField(default=False)
    employer_kind = serializers.ChoiceField(
        choices=EmployerKind.choices, required=False, allow_blank=True, default=""
    )
    monthly_income_riel = _riel("Monthly income from the job, in riel.")
    support_kind = _text(200)
    amount_riel = _riel("The grant or loan for a small business, in riel.")
