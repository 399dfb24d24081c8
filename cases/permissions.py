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
    supervisors and administrators; another organisation only while a referral it accepted
    shares health facts with consent (or a supervisor's override)."""
    membership = active_membership(user)
    if membership is None:
        return False
    if case.organisation_id != membership.organisation_id:
        return HEALTH in _categories_shared_with(membership, case)
    if not can_edit_case(user, case):
        return False
    return membership.role in SENSITIVE_ROLES or case.assigned_worker_id == user.pk


IDENTITY, CASE_FACTS, HEALTH = "identity", "case_facts", "health"


def _categories_shared_with(membership: Membership, case: Case) -> set[str]:
    # Function-level import: referrals depends on cases, not the other way round.
    from referrals.selectors import referral_shared_categories

    return referral_shared_categories(organisation=membership.organisation, case=case)


def case_data_categories(user: User, case: Case) -> set[str]:
    """Which kinds of the case's data the user sees: "identity" (names, date of birth, family
    contact), "case_facts" and "health". Another organisation sees what its referrals share."""
    membership = active_membership(user)
    if membership is None:
        return set()
    if case.organisation_id != membership.organisation_id:
        return _categories_shared_with(membership, case)
    if not can_edit_case(user, case):
        return set()
    seen = {IDENTITY, CASE_FACTS}
    if membership.role in SENSITIVE_ROLES or case.assigned_worker_id == user.pk:
        seen.add(HEALTH)
    return seen


def can_view_identity(user: User, case: Case) -> bool:
    """Names, date of birth and family contact: the case's own organisation, or a receiving
    organisation whose active referral shares identity."""
    return IDENTITY in case_data_categories(user, case)


def can_deactivate_person(user: User, person: User) -> bool:
    """An organisation's administrator deactivates its people (never themselves), handing
    their open cases and planned visits over as part of it."""
    membership = active_membership(user)
    person_membership = person.membership_or_none
    return (
        membership is not None
        and membership.role == Role.ORG_ADMIN
        and person_membership is not None
        and person_membership.organisation_id == membership.organisation_id
        and person.pk != user.pk
    )
