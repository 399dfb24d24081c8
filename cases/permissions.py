"""Who may do what with a case. Every rule about roles lives here, so pages, admin and API agree."""

from organisations.models import Membership, Role, User

from .models import Case

# Roles that work on their own organisation's cases. Ministry officers see aggregates only,
# unless a case is shared with their ministry through a referral.
CASEWORK_ROLES = frozenset({Role.SOCIAL_WORKER, Role.SUPERVISOR, Role.ORG_ADMIN, Role.API_CLIENT})
WHOLE_ORGANISATION_ROLES = frozenset({Role.SUPERVISOR, Role.ORG_ADMIN, Role.API_CLIENT})
CLOSING_ROLES = frozenset({Role.SUPERVISOR, Role.ORG_ADMIN})
SENSITIVE_ROLES = frozenset({Role.SUPERVISOR, Role.ORG_ADMIN})


def active_membership(user: User) -> Membership | None:
    """The membership through which a signed-in user acts, or None if they may act on nothing."""
    if not user.is_authenticated or not user.is_active:
        return None
    membership = user.membership_or_none
    if membership is None or not membership.organisation.is_active:
        return None
    return membership


def sees_whole_organisation(membership: Membership) -> bool:
    if membership.role in WHOLE_ORGANISATION_ROLES:
        return True
    return not membership.organisation.workers_see_assigned_only


def can_register_cases(user: User) -> bool:
    membership = active_membership(user)
    return membership is not None and membership.role in CASEWORK_ROLES


def can_edit_case(user: User, case: Case) -> bool:
    """Only the owning organisation edits a case; sharing through a referral gives view only."""
    membership = active_membership(user)
    if membership is None or membership.role not in CASEWORK_ROLES:
        return False
    if case.organisation_id != membership.organisation_id:
        return False
    return sees_whole_organisation(membership) or case.assigned_worker_id == user.pk


def can_close_case(user: User, case: Case) -> bool:
    membership = active_membership(user)
    return (
        membership is not None
        and membership.role in CLOSING_ROLES
        and case.organisation_id == membership.organisation_id
    )


def can_view_sensitive_facts(user: User, case: Case) -> bool:
    """HIV status, health and legal notes, counselling notes: the case's own worker, its
    supervisors and administrators. Another organisation never, until a referral says otherwise."""
    if not can_edit_case(user, case):
        return False
    membership = active_membership(user)
    return membership.role in SENSITIVE_ROLES or case.assigned_worker_id == user.pk
