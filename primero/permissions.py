"""Who may do what with the Primero exchange, built on the role rules."""

from cases.permissions import active_membership
from organisations.models import User
from organisations.permissions import administers, can_register_cases, works_on_cases

from .models import InboundReferral


def can_manage_primero(user: User) -> bool:
    """The organisation's administrator sets up its connection and sees its outbox."""
    return administers(active_membership(user))


def can_see_inbound(user: User) -> bool:
    return works_on_cases(active_membership(user))


def can_answer_inbound(user: User, inbound: InboundReferral) -> bool:
    """Accepting registers the survivor as a case: the organisation's case workers."""
    membership = active_membership(user)
    return (
        membership is not None
        and membership.organisation_id == inbound.connection.organisation_id
        and can_register_cases(user)
    )
