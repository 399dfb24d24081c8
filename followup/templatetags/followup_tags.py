from django import template

from cases.permissions import can_edit_case, visible_case_categories
from cases.visibility import shown

from ..selectors import followup_summary_for_case

register = template.Library()


@register.inclusion_tag("followup/_case_section.html", takes_context=True)
def case_followup(context, case):
    """The follow-up section of the case page: two queries however many visits there are."""
    request = context["request"]
    seen = context.get("seen")
    if seen is None:
        seen = visible_case_categories(request.user, case)
    upcoming, last = followup_summary_for_case(case, seen)
    return {
        "case": case,
        "request": request,
        "upcoming": [shown(visit, seen) for visit in upcoming],
        "last": shown(last, seen) if last is not None else None,
        "can_edit": can_edit_case(request.user, case),
    }
