"""The reintegration plan: plans, needs and family assessments, community preparation,
livelihood facts, approvals of plans and of closing cases, and services delivered, through the
plans app's selectors and services, like its pages. Every list is ordered by change and takes
`updated_since`, for a partner that syncs."""

from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as FieldError

from audit.models import Action as AuditAction
from plans import services
from plans.models import Action, Goal, Plan
from plans.permissions import visible_domains
from plans.selectors import (
    approvals_for,
    assessments_for,
    community_preparation_for,
    family_assessments_for,
    livelihood_facts_for,
    plans_for,
    services_delivered_for,
    without_hidden_health,
)
from referrals.models import Referral

from ..filters import ApprovalFilter, PlanFilter, PlanRecordFilter
from ..idempotency import idempotent
from ..serializers.plans import (
    ActionCreateSerializer,
    ApprovalSerializer,
    AssessmentCreateSerializer,
    AssessmentSerializer,
    ClosureRequestSerializer,
    CommunityPreparationCreateSerializer,
    CommunityPreparationSerializer,
    DecisionSerializer,
    FamilyAssessmentCreateSerializer,
    FamilyAssessmentSerializer,
    GoalCreateSerializer,
    LivelihoodFactCreateSerializer,
    LivelihoodFactSerializer,
    PlanCreateSerializer,
    PlanSerializer,
    ServiceDeliveryCreateSerializer,
    ServiceDeliverySerializer,
)
from .base import PartnerViewSet, get_or_404

PLAN_AUDIT = {
    **PartnerViewSet.audit_actions,
    "goals": AuditAction.UPDATE,
    "actions": AuditAction.UPDATE,
    "submit": AuditAction.UPDATE,
    "decide": AuditAction.UPDATE,
}


@extend_schema_view(
    list=extend_schema(summary="Reintegration plans of the cases the caller works on"),
    retrieve=extend_schema(summary="One version of a plan, with its goals and actions"),
    create=extend_schema(
        summary="Start a new version of a case's plan (a copy of the approved one), or get the "
        "version being written",
        request=PlanCreateSerializer,
        responses={201: PlanSerializer},
    ),
)
class PlanViewSet(PartnerViewSet):
    """Versions of reintegration plans. A version is written (goals, actions), submitted,
    then approved or returned by a supervisor; an approved version is read-only."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    audit_actions = PLAN_AUDIT

    def get_queryset(self):
        return plans_for(self.request.user).prefetch_related(
            Prefetch("goals", queryset=Goal.objects.prefetch_related("actions"))
        )

    def retrieve(self, request, pk=None):
        return self.respond(get_or_404(self.get_queryset(), pk))

    @idempotent
    def create(self, request):
        data = self.validated(PlanCreateSerializer)
        plan = services.plan_start(actor=request.user, case=data["case"])
        return self.respond(self._fresh(plan), status=201)

    def _fresh(self, plan: Plan) -> Plan:
        return self.get_queryset().get(pk=plan.pk)

    @extend_schema(
        summary="Add a goal to the version being written",
        request=GoalCreateSerializer,
        responses=PlanSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def goals(self, request, pk=None):
        plan = get_or_404(self.get_queryset(), pk)
        data = self.validated(GoalCreateSerializer)
        if data["domain"] not in visible_domains(request.user, plan.case):
            raise FieldError({"domain": ["You cannot plan in this domain for this case."]})
        services.goal_add(actor=request.user, plan=plan, **data)
        return self.respond(self._fresh(plan))

    @extend_schema(
        summary="Add an action or service to a goal of the version being written",
        request=ActionCreateSerializer,
        responses=PlanSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def actions(self, request, pk=None):
        plan = get_or_404(self.get_queryset(), pk)
        data = self.validated(ActionCreateSerializer)
        domains = visible_domains(request.user, plan.case)
        goal = Goal.objects.filter(pk=data.pop("goal"), plan=plan, domain__in=domains).first()
        if goal is None:
            raise FieldError({"goal": ["No such goal in this plan."]})
        referral_pk = data.pop("referral", None)
        referral = None
        if referral_pk is not None:
            referral = Referral.objects.filter(pk=referral_pk, case=plan.case_id).first()
            if referral is None:
                raise FieldError({"referral": ["No such referral of this case."]})
        services.action_add(actor=request.user, goal=goal, referral=referral, **data)
        return self.respond(self._fresh(plan))

    @extend_schema(summary="Submit the version for a supervisor's approval", request=None)
    @action(detail=True, methods=["post"])
    @idempotent
    def submit(self, request, pk=None):
        plan = get_or_404(self.get_queryset(), pk)
        services.plan_submit(actor=request.user, plan=plan)
        return self.respond(self._fresh(plan))


@extend_schema_view(
    list=extend_schema(summary="Needs assessments of the cases the caller works on"),
    retrieve=extend_schema(summary="One needs assessment"),
    create=extend_schema(
        summary="Record a needs assessment: every domain the caller may see, scored 1 to 4",
        request=AssessmentCreateSerializer,
        responses={201: AssessmentSerializer},
    ),
)
class AssessmentViewSet(PartnerViewSet):
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = AssessmentSerializer
    filterset_class = PlanRecordFilter

    def get_queryset(self):
        return assessments_for(self.request.user).prefetch_related("scores")

    def retrieve(self, request, pk=None):
        return self.respond(get_or_404(self.get_queryset(), pk))

    @idempotent
    def create(self, request):
        data = self.validated(AssessmentCreateSerializer)
        scores = {}
        for row in data["scores"]:
            if row["domain"] in scores:
                raise FieldError({"scores": ["Each domain is scored once."]})
            scores[row["domain"]] = (row["score"], row["note"])
        assessment = services.assessment_record(
            actor=request.user, case=data["case"], assessed_on=data["assessed_on"],
            occasion=data["occasion"], scores=scores,
        )  # fmt: skip
        return self.respond(self.get_queryset().get(pk=assessment.pk), status=201)


@extend_schema_view(
    list=extend_schema(summary="Requests for a supervisor's decision: plans and closures"),
    retrieve=extend_schema(summary="One request and its decision"),
    create=extend_schema(
        summary="Ask a supervisor to close a case, with the reason (a plan is asked for by "
        "submitting it)",
        request=ClosureRequestSerializer,
        responses={201: ApprovalSerializer},
    ),
)
class ApprovalViewSet(PartnerViewSet):
    """A worker asks; a supervisor of the organisation, never the one who asked, decides."""

    http_method_names = ["get", "post", "head", "options"]
    serializer_class = ApprovalSerializer
    filterset_class = ApprovalFilter
    audit_actions = PLAN_AUDIT

    @idempotent
    def create(self, request):
        data = self.validated(ClosureRequestSerializer)
        approval = services.closure_request(
            actor=request.user, case=data["case"], reason=data["closure_reason"],
            note=data["note"],
        )  # fmt: skip
        return self.respond(self.get_queryset().get(pk=approval.pk), status=201)

    def get_queryset(self):
        return approvals_for(self.request.user)

    def retrieve(self, request, pk=None):
        return self.respond(get_or_404(self.get_queryset(), pk))

    @extend_schema(
        summary="Approve a request, or return it with a comment",
        request=DecisionSerializer,
        responses=ApprovalSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def decide(self, request, pk=None):
        approval = get_or_404(self.get_queryset(), pk)
        data = self.validated(DecisionSerializer)
        with transaction.atomic():
            if data["decision"] == "approve":
                services.approval_approve(
                    actor=request.user, approval=approval, comment=data["comment"]
                )
            else:
                services.approval_return(
                    actor=request.user, approval=approval, comment=data["comment"]
                )
        return self.respond(self.get_queryset().get(pk=approval.pk))


@extend_schema_view(
    list=extend_schema(summary="Services delivered against the plans of the caller's cases"),
    retrieve=extend_schema(summary="One service delivered"),
    create=extend_schema(
        summary="Record a service delivered against an action of the approved plan",
        request=ServiceDeliveryCreateSerializer,
        responses={201: ServiceDeliverySerializer},
    ),
)
class ServiceDeliveryViewSet(PartnerViewSet):
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = ServiceDeliverySerializer
    filterset_class = PlanRecordFilter

    def get_queryset(self):
        return services_delivered_for(self.request.user)

    def retrieve(self, request, pk=None):
        return self.respond(get_or_404(self.get_queryset(), pk))

    @idempotent
    def create(self, request):
        data = self.validated(ServiceDeliveryCreateSerializer)
        actions = Action.objects.filter(goal__plan__in=plans_for(request.user))
        actions = without_hidden_health(
            request.user, actions, domain="goal__domain", case="goal__plan__case"
        )
        action = actions.filter(pk=data.pop("action")).first()
        if action is None:
            raise FieldError({"action": ["No such action."]})
        delivery = services.service_record(actor=request.user, action=action, **data)
        return self.respond(delivery, status=201)


class CaseRecordViewSet(PartnerViewSet):
    """Records of a case's plan written once through a service: list, read, write."""

    http_method_names = ["get", "post", "head", "options"]
    filterset_class = PlanRecordFilter
    #: The selector that scopes rows to the caller, and the service that writes one.
    selector = None
    service = None
    create_serializer_class = None

    def get_queryset(self):
        return type(self).selector(self.request.user)

    def retrieve(self, request, pk=None):
        return self.respond(get_or_404(self.get_queryset(), pk))

    @idempotent
    def create(self, request):
        data = self.validated(self.create_serializer_class)
        record = type(self).service(actor=request.user, **data)
        return self.respond(self.get_queryset().get(pk=record.pk), status=201)


@extend_schema_view(
    list=extend_schema(summary="Family assessments before return, of the caller's cases"),
    retrieve=extend_schema(summary="One family assessment"),
    create=extend_schema(
        summary="Record a family assessment: the home visit, attitudes, risks and the "
        "recommendation (return, return with conditions, or an alternative option)",
        request=FamilyAssessmentCreateSerializer,
        responses={201: FamilyAssessmentSerializer},
    ),
)
class FamilyAssessmentViewSet(CaseRecordViewSet):
    serializer_class = FamilyAssessmentSerializer
    create_serializer_class = FamilyAssessmentCreateSerializer
    selector = family_assessments_for
    service = services.family_assessment_record


@extend_schema_view(
    list=extend_schema(
        summary="Community preparation before return: who in the community was engaged, and "
        "what they agreed to do"
    ),
    retrieve=extend_schema(summary="One community preparation step"),
    create=extend_schema(
        summary="Record a community preparation step with a resource of the directory",
        request=CommunityPreparationCreateSerializer,
        responses={201: CommunityPreparationSerializer},
    ),
)
class CommunityPreparationViewSet(CaseRecordViewSet):
    serializer_class = CommunityPreparationSerializer
    create_serializer_class = CommunityPreparationCreateSerializer
    selector = community_preparation_for
    service = services.community_preparation_record


@extend_schema_view(
    list=extend_schema(summary="Livelihood facts: training, job placement, business support"),
    retrieve=extend_schema(summary="One livelihood fact"),
    create=extend_schema(
        summary="Record a training, a job placement or small business support",
        request=LivelihoodFactCreateSerializer,
        responses={201: LivelihoodFactSerializer},
    ),
)
class LivelihoodFactViewSet(CaseRecordViewSet):
    serializer_class = LivelihoodFactSerializer
    create_serializer_class = LivelihoodFactCreateSerializer
    selector = livelihood_facts_for
    service = services.livelihood_record
