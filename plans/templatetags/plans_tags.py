from django import template
from django.utils import timezone

from plans.models import Plan, PlanStatus

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
