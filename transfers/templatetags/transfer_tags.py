from django import template

from ..permissions import can_request_transfer
from ..selectors import transfer_waiting

register = template.Library()


@register.inclusion_tag("transfers/_case_section.html", takes_context=True)
def case_transfer(context, case):
    """The case page's transfer line, for the supervisors of the owning organisation: a
    request waiting for an answer, or the link to make one. One query for them, none else."""
    can_transfer = can_request_transfer(context["request"].user, case)
    return {
        "case": case,
        "can_transfer": can_transfer,
        "waiting": transfer_waiting(case.pk) if can_transfer else None,
    }
