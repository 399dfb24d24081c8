"""Who may do what with a case. Every rule about roles lives here, so pages, admin and API agree."""

from organisations.models import Membership, Role, User

from .models import Case
from .visibility import CASE_FACTS, HEALTH, IDENTITY

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
    """HIV status, health and legal notes, counselling: see `visible_case_categories`."""
    return HEALTH in visible_case_categories(user, case)


# Which categories of a case's data (cases.visibility) a reader sees. Pages, API, exports,
# timeline, search and filters all ask these; nothing else decides it.


def _own_case_categories(membership: Membership, user: User, case: Case) -> set[str]:
    if membership.role not in CASEWORK_ROLES:
        return set()
    if not (sees_whole_organisation(membership) or case.assigned_worker_id == user.pk):
        return set()
    seen = {IDENTITY, CASE_FACTS}
    if membership.role in SENSITIVE_ROLES or case.assigned_worker_id == user.pk:
        seen.add(HEALTH)
    return seen


def visible_case_categories_for(user: User, cases) -> dict[int, set[str]]:
    """`visible_case_categories` for many cases, in one query at most.

    The case's own organisation: identity and case facts for those who may work on it (the
    whole organisation, or only the assigned worker where the organisation limits workers to
    their own cases); health for supervisors, administrators and the assigned worker.
    Another organisation: what its referrals holding access on today's date share (an expired
    consent or an ended grace period shares nothing, whatever a background job has done)."""
    from referrals.selectors import referral_shared_categories_for

    cases = list(cases)
    membership = active_membership(user)
    if membership is None:
        return {case.pk: set() for case in cases}
    seen = {
        case.pk: _own_case_categories(membership, user, case)
        for case in cases
        if case.organisation_id == membership.organisation_id
    }
    others = [case.pk for case in cases if case.organisation_id != membership.organisation_id]
    if others:
        seen.update(referral_shared_categories_for(membership.organisation, others))
    return {case.pk: seen.get(case.pk, set()) for case in cases}


def visible_case_categories(user: User, case: Case) -> set[str]:
    """Which kinds of the case's data the user sees: "identity" (names, sex, date of birth,
    minor status, commune and village of origin, family contact), "case_facts" and
    "health". Family contact goes with identity, to a receiving organisation too: only where
    its referral shares identity, which the consent must cover (or a supervisor's recorded
    override stand in for). The fields of each kind are declared in cases.visibility."""
    return visible_case_categories_for(user, [case])[case.pk]


case_data_categories = visible_case_categories


def can_view_identity(user: User, case: Case) -> bool:
    """Names, date of birth, minor status and family contact: see `visible_case_categories`."""
    return IDENTITY in visible_case_categories(user, case)
