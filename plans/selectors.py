"""Reads of reintegration plans and approvals."""

from django.db.models import Prefetch, QuerySet

from cases.models import Case

from .models import (
    Approval,
    ApprovalStatus,
    Goal,
    NeedsAssessment,
    Plan,
    PlanStatus,
    ServiceDelivery,
)


def has_approved_plan(case: Case) -> bool:
    return Plan.objects.filter(case=case, status=PlanStatus.APPROVED).exists()


def plan_versions(case: Case) -> dict:
    """The version in force (approved) and the one being worked on, with goals and actions."""
    plans = (
        Plan.objects.filter(case=case)
        .exclude(status=PlanStatus.SUPERSEDED)
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.prefetch_related("actions__deliveries"))
        )
    )
    found = {"approved": None, "open": None}
    for plan in plans:
        found["approved" if plan.status == PlanStatus.APPROVED else "open"] = plan
    return found


def approvals_for_case(case: Case) -> QuerySet[Approval]:
    return (
        Approval.objects.filter(case=case)
        .select_related("requested_by", "decided_by", "plan")
        .order_by("-requested_at", "-pk")
    )


def approvals_waiting(*, organisation_id: int) -> QuerySet[Approval]:
    """Requests waiting for a supervisor of the organisation, oldest first."""
    return (
        Approval.objects.filter(
            case__organisation_id=organisation_id, status=ApprovalStatus.PENDING
        )
        .select_related("case", "requested_by", "plan")
        .order_by("requested_at", "pk")
    )


def assessments_with_scores(case: Case) -> list[NeedsAssessment]:
    return list(
        NeedsAssessment.objects.filter(case=case)
        .prefetch_related("scores")
        .order_by("assessed_on", "pk")
    )


def services_delivered(case: Case) -> QuerySet[ServiceDelivery]:
    return (
        ServiceDelivery.objects.filter(case=case)
        .select_related("action__goal")
        .order_by("-delivered_on", "-pk")
    )
