"""Reads of reintegration plans and approvals."""

from django.db.models import Prefetch, Q, QuerySet

from cases.models import Case

from .models import (
    Approval,
    ApprovalStatus,
    CommunityPreparation,
    FamilyAssessment,
    Goal,
    LivelihoodFact,
    NeedsAssessment,
    Plan,
    PlanStatus,
    ServiceDelivery,
)


def has_approved_plan(case: Case) -> bool:
    return Plan.objects.filter(case=case, status=PlanStatus.APPROVED).exists()


def current_plans(case: Case) -> QuerySet[Plan]:
    """The case's plan versions that are not superseded: the one in force (approved) and the
    one being worked on, at most one of each."""
    return Plan.objects.filter(case=case).exclude(status=PlanStatus.SUPERSEDED)


def by_status(plans) -> dict:
    """`current_plans` as {"approved": the version in force, "open": the one worked on}."""
    found = {"approved": None, "open": None}
    for plan in plans:
        found["approved" if plan.status == PlanStatus.APPROVED else "open"] = plan
    return found


def plan_versions(case: Case) -> dict:
    """The version in force (approved) and the one being worked on, with goals and actions."""
    return by_status(
        current_plans(case).prefetch_related(
            Prefetch("goals", queryset=Goal.objects.prefetch_related("actions__deliveries"))
        )
    )


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


def cases_for_plan_work(user) -> QuerySet[Case]:
    """The cases whose plans the user works on: `permissions.can_work_on_plan` as a query (the
    owning organisation; the whole of it for those who see it all, else the cases assigned)."""
    from cases.permissions import active_membership, sees_whole_organisation, works_on_cases

    membership = active_membership(user)
    if not works_on_cases(membership):
        return Case.objects.none()
    cases = Case.objects.filter(organisation_id=membership.organisation_id)
    if not sees_whole_organisation(membership):
        cases = cases.filter(assigned_worker=user)
    return cases


def without_hidden_health(user, rows: QuerySet, *, domain: str, case: str = "case") -> QuerySet:
    """Rows of the health domain only where the user sees the case's health facts
    (`permissions.visible_domains`): supervisors of the organisation, or the case's worker."""
    from cases.permissions import active_membership
    from organisations.permissions import supervises

    from .models import RESTRICTED_DOMAINS

    if not user.is_authenticated:
        return rows.none()
    if supervises(active_membership(user)):
        return rows
    restricted = Q(**{f"{domain}__in": RESTRICTED_DOMAINS})
    return rows.exclude(restricted & ~Q(**{f"{case}__assigned_worker": user}))


def plans_for(user) -> QuerySet[Plan]:
    return Plan.objects.filter(case__in=cases_for_plan_work(user)).select_related("case")


def assessments_for(user) -> QuerySet[NeedsAssessment]:
    return NeedsAssessment.objects.filter(case__in=cases_for_plan_work(user)).select_related("case")


def approvals_for(user) -> QuerySet[Approval]:
    return Approval.objects.filter(case__in=cases_for_plan_work(user)).select_related(
        "case", "plan"
    )


def services_delivered_for(user) -> QuerySet[ServiceDelivery]:
    rows = ServiceDelivery.objects.filter(case__in=cases_for_plan_work(user))
    return without_hidden_health(user, rows, domain="action__goal__domain").select_related("case")


def _of_plan_cases(model, user) -> QuerySet:
    return model.objects.filter(case__in=cases_for_plan_work(user)).select_related("case")


def family_assessments_for(user) -> QuerySet[FamilyAssessment]:
    return _of_plan_cases(FamilyAssessment, user)


def community_preparation_for(user) -> QuerySet[CommunityPreparation]:
    return _of_plan_cases(CommunityPreparation, user)


def livelihood_facts_for(user) -> QuerySet[LivelihoodFact]:
    return _of_plan_cases(LivelihoodFact, user)


def goals_for(user) -> QuerySet[Goal]:
    """Goals of the plans the user works on, the health domain's only where they see it."""
    goals = Goal.objects.filter(plan__case__in=cases_for_plan_work(user))
    return without_hidden_health(user, goals, domain="domain", case="plan__case")
