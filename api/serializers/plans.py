"""The reintegration plan: plans with their goals and actions, needs assessments, approvals
and services delivered. Only the organisation that owns a case works on its plan; the health
domain (HIV care among it) is seen by those who see the case's health facts."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Case
from cases.permissions import HEALTH
from followup.models import CommunityResource
from followup.selectors import community_resources_for
from plans.models import (
    RESTRICTED_DOMAINS,
    Action,
    Approval,
    Domain,
    Goal,
    NeedsAssessment,
    Occasion,
    Plan,
    ProviderKind,
    ServiceDelivery,
)
from plans.selectors import cases_for_plan_work

from ..fields import SaneDateField, VisiblePrimaryKeyField
from .base import ReadModelSerializer
from .cases import categories_of


def domains_seen(serializer, case_id: int) -> set[str]:
    if HEALTH in categories_of(serializer, case_id):
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
        fields = ["id", "case", "assessed_on", "occasion", "scores", "created_at"]
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
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "approve"), ("return", "return")])
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ServiceDeliverySerializer(ReadModelSerializer):
    class Meta:
        model = ServiceDelivery
        fields = ["id", "case", "action", "delivered_on", "provider", "note", "created_at"]
        read_only_fields = fields


class ServiceDeliveryCreateSerializer(serializers.Serializer):
    action = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    delivered_on = SaneDateField()
    provider = serializers.CharField(max_length=200)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
