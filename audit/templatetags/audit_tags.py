from django import template

from cases.permissions import can_close_case

from .. import selectors

register = template.Library()


@register.inclusion_tag("audit/_case_openers.html", takes_context=True)
def case_openers(context, case):
    """ "Opened by", for the supervisors and administrators of the case's own organisation."""
    request = context.get("request")
    if request is None or not can_close_case(request.user, case):
        return {"shown": False}
    return {"shown": True, "openers": selectors.case_openers(case)}
