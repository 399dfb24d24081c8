from django import template
from django.utils import timezone

from plans.models import Approval, ApprovalKind, ApprovalStatus, Plan, PlanStatus

register = template.Library()


@register.simple_tag
def plan_summary(case) -> dict:
    """The approved version and the one being written, in one query, for the case page."""
    summary = {
        "approved": None,
        "open": None,
        "turned_18": case.needs_own_consent(timezone.localdate()),
    }
    for plan in Plan.objects.filter(case=case).exclude(status=PlanStatus.SUPERSEDED):
        summary["approved" if plan.status == PlanStatus.APPROVED else "open"] = plan
    return summary


@register.simple_tag
def closure_waiting(case) -> Approval | None:
    """The request to close the case that waits for a supervisor, if one does: the case
    page then says so instead of offering to ask again. One query."""
    return Approval.objects.filter(
        case=case, kind=ApprovalKind.CLOSURE, status=ApprovalStatus.PENDING
    ).first()
