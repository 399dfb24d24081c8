from django import template

from ..permissions import can_record_legal
from ..selectors import legal_proceedings_for_case

register = template.Library()


@register.inclusion_tag("legal/_case_section.html", takes_context=True)
def case_legal(context, case, seen=None):
    """The legal proceedings section of the case page: shown only to those who may see legal
    detail; four queries however many proceedings, hearings and measures. `seen`: the data
    categories the page already decided the user sees (cases.permissions)."""
    user = context["request"].user
    categories = seen if isinstance(seen, set | frozenset) else None
    proceedings = legal_proceedings_for_case(user=user, case=case, categories=categories)
    visible = proceedings is not None
    return {
        "case": case,
        "visible": visible,
        "proceedings": proceedings or [],
        "can_record": visible and can_record_legal(user, case),
    }
