from django import template

from cases.permissions import can_edit_case

from ..selectors import followup_summary_for_case

register = template.Library()


@register.inclusion_tag("followup/_case_section.html", takes_context=True)
def case_followup(context, case):
    """The follow-up section of the case page: two queries however many visits there are."""
    request = context["request"]
    upcoming, last = followup_summary_for_case(case)
    return {
        "case": case,
        "request": request,
        "upcoming": upcoming,
        "last": last,
        "can_edit": can_edit_case(request.user, case),
    }
