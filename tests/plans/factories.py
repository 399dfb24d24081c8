import datetime as dt

from django.utils import timezone

from plans.models import Action, Goal, Plan, PlanStatus, ProviderKind


def approved_plan(case, actor) -> Plan:
    """An approved plan with one goal and one action, written directly: for tests about what
    comes after approval (follow-up, closure), not about approval itself."""
    plan = Plan.objects.filter(case=case, status=PlanStatus.APPROVED).first()
    if plan:
        return plan
    version = Plan.objects.filter(case=case).count() + 1
    plan = Plan.objects.create(
        case=case, version=version, status=PlanStatus.APPROVED, created_by=actor
    )
    goal = Goal.objects.create(plan=plan, domain="family", description="Return home safely")
    Action.objects.create(
        goal=goal,
        what="Family visit",
        provider_kind=ProviderKind.OWN,
        target_date=timezone.localdate() + dt.timedelta(days=30),
    )
    return plan


def close_case(case, *, requested_by, approved_by, reason: str = "lost_contact", note: str = ""):
    """Close a case the only way it closes: a closure request, approved by someone else."""
    from cases.models import Case
    from plans import services

    approval = services.closure_request(actor=requested_by, case=case, reason=reason, note=note)
    services.approval_approve(actor=approved_by, approval=approval)
    return Case.objects.get(pk=case.pk)
