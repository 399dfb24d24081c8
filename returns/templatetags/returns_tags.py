from django import template

from ..models import Direction, Step
from ..permissions import can_record_return
from ..selectors import checklist, document_status, is_complete, return_for_case

register = template.Library()


@register.inclusion_tag("returns/_case_section.html", takes_context=True)
def case_return(context, case, seen=None):
    """The cross-border return section of the case page: shown only to those who may see it;
    two queries when the case has a return. `seen`: the data categories the page already
    decided the user sees (cases.permissions)."""
    user = context["request"].user
    categories = seen if isinstance(seen, set | frozenset) else None
    visible, ret = return_for_case(user=user, case=case, categories=categories)
    can_record = visible and can_record_return(user, case)
    return {
        "case": case,
        "visible": visible,
        "ret": ret,
        "checklist": checklist(ret) if ret else [],
        "document_status": document_status(ret) if ret else "",
        "complete": bool(ret) and is_complete(ret),
        "coming_home": bool(ret) and ret.direction == Direction.INTO_CAMBODIA,
        "can_record": can_record and not (ret and is_complete(ret)),
        "can_start": can_record and ret is None,
        # Documents may still be attached to a completed return (the handover report).
        "can_attach": can_record and ret is not None,
        "identified": Step.IDENTIFIED,
    }
