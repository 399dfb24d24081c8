from django import template
from django.utils import timezone

from plans.models import Approval, ApprovalKind, ApprovalStatus
from plans.selectors import by_status

register = template.Library()


@register.simple_tag
def plan_summary(case, plans) -> dict:
    """The approved version and the one being written, of the case page's `plans`
    (plans.selectors.current_plans)."""
    return {**by_status(plans), "turned_18": case.needs_own_consent(timezone.localdate())}


@register.simple_tag
def closure_waiting(case) -> Approval | None:
    """The request to close the case that waits for a supervisor, if one does: the case
    page then says so instead of offering to ask again. One query."""
    return Approval.objects.filter(
        case=case, kind=ApprovalKind.CLOSURE, status=ApprovalStatus.PENDING
    ).first()
