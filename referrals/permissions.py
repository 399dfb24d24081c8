"""Who may do what with a referral. The case's own rules stay in cases/permissions.py."""

from cases.models import Case
from cases.permissions import active_membership, can_edit_case
from organisations.models import OrganisationKind, Role, User

from .models import Referral

ANSWERING_ROLES = frozenset({Role.SOCIAL_WORKER, Role.SUPERVISOR, Role.ORG_ADMIN, Role.API_CLIENT})
GOVERNMENT_KINDS = frozenset({OrganisationKind.MINISTRY, OrganisationKind.PROVINCIAL_DEPARTMENT})
OVERRIDING_ROLES = frozenset({Role.SUPERVISOR, Role.ORG_ADMIN})


def can_answer_referral(user: User, referral: Referral) -> bool:
    """Accept, decline, start and complete: the receiving organisation's case workers, or a
    ministry officer when the referral is addressed to a ministry or its department."""
    membership = active_membership(user)
    if membership is None or membership.organisation_id != referral.to_organisation_id:
        return False
    if membership.role in ANSWERING_ROLES:
        return True
    return (
        membership.role == Role.MINISTRY_OFFICER
        and membership.organisation.kind in GOVERNMENT_KINDS
    )


def can_send_referral(user: User, case: Case) -> bool:
    return can_edit_case(user, case)


def can_cancel_referral(user: User, referral: Referral) -> bool:
    membership = active_membership(user)
    return (
        membership is not None
        and membership.organisation_id == referral.from_organisation_id
        and can_edit_case(user, referral.case)
    )


def can_override_consent(user: User, organisation_id: int) -> bool:
    membership = active_membership(user)
    return (
        membership is not None
        and membership.organisation_id == organisation_id
        and membership.role in OVERRIDING_ROLES
    )


def can_list_overrides(user: User) -> bool:
    membership = active_membership(user)
    return membership is not None and membership.role == Role.ORG_ADMIN
