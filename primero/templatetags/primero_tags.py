from django import template

from primero.models import InboundStatus
from primero.selectors import inbound_list_for

register = template.Library()


@register.inclusion_tag("primero/_inbox_notice.html", takes_context=True)
def primero_waiting(context):
    """On the inbox: how many referrals from Primero wait for an answer (one COUNT)."""
    user = context["request"].user
    waiting = inbound_list_for(user).filter(status=InboundStatus.SENT).count()
    return {"waiting": waiting}
