from django import template

from plans.models import Plan, PlanStatus

register = template.Library()


@register.simple_tag
def plan_summary(case) -> dict:
    """The approved version and the one being written, in one query, for the case page."""
    summary = {"approved": None, "open": None}
    for plan in Plan.objects.filter(case=case).exclude(status=PlanStatus.SUPERSEDED):
        summary["approved" if plan.status == PlanStatus.APPROVED else "open"] = plan
    return summary
