"""Who may do what with a case. The role rules come from organisations/permissions.py; the
object rules (which case, whose organisation) are written here once, so pages, admin and API
agree."""

from django.db.models import QuerySet

from organisations.models import Membership, Organisation, User
from organisations.permissions import (
    active_membership,
    assignable_members,
    can_be_assigned_cases,
    can_register_cases,
    can_see_team,
    is_ministry_officer,
    sees_whole_organisation,
    supervises,
    works_on_cases,
)

from .models import ALLOWED_TRANSITIONS, Case, Phase

__all__ = [
    "active_membership",
    "allowed_phase_moves",
    "can_add_casework",
    "can_edit_sensitive_facts",
    "home_is_dashboard",
    "assignable_workers",
    "can_assign_case",
    "can_be_assigned_case",
    "can_close_case",
    "can_edit_case",
    "can_export_identities",
    "can_register_cases",
    "can_see_case_openers",
    "can_see_team",
    "is_assigned_what_they_register",
    "sees_whole_organisation",
    "works_on_cases",
]


def is_assigned_what_they_register(user: User) -> bool:
    """A social worker who registers a case with no worker named becomes its worker."""
    membership = active_membership(user)
    return can_be_assigned_cases(membership) and not supervises(membership)


def can_edit_case(user: User, case: Case) -> bool:
    """Only the owning organisation edits a case; sharing through a referral gives view only."""
    membership = active_membership(user)
    if not works_on_cases(membership):
        return False
    if case.organisation_id != membership.organisation_id:
        return False
    return sees_whole_organisation(membership) or case.assigned_worker_id == user.pk


def _supervises_case(user: User, case: Case) -> bool:
    membership = active_membership(user)
    return supervises(membership) and case.organisation_id == membership.organisation_id


def can_close_case(user: User, case: Case) -> bool:
    return _supervises_case(user, case)


def can_assign_case(user: User, case: Case) -> bool:
    return _supervises_case(user, case)


def can_see_case_openers(user: User, case: Case) -> bool:
    """ "Opened by" on the case page: who read the case lately."""
    return _supervises_case(user, case)


def can_export_identities(user: User) -> bool:
    """The password-protected caseload export, with names."""
    return supervises(active_membership(user))


def can_be_assigned_case(worker: User | None, organisation: Organisation) -> bool:
    """Cases and follow-up visits go to the organisation's active social workers and
    supervisors."""
    membership = active_membership(worker) if worker is not None else None
    return can_be_assigned_cases(membership) and membership.organisation_id == organisation.pk


def assignable_workers(organisation: Organisation) -> QuerySet[User]:
    """`can_be_assigned_case` as a list: who may be given the organisation's cases."""
    return User.objects.filter(assignable_members(), membership__organisation=organisation)


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
    return supervises(membership) or case.assigned_worker_id == user.pk


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
    if supervises(membership) or case.assigned_worker_id == user.pk:
        seen.add(HEALTH)
    return seen


def can_view_identity(user: User, case: Case) -> bool:
    """Names, date of birth and family contact: the case's own organisation, or a receiving
    organisation whose active referral shares identity."""
    return IDENTITY in case_data_categories(user, case)


def can_edit_sensitive_facts(user: User, case: Case) -> bool:
    """Recording HIV status, health and legal facts: whoever may both change the case and see
    those facts. Seeing them through a referral never makes them editable."""
    return can_edit_case(user, case) and can_view_sensitive_facts(user, case)


def home_is_dashboard(user: User) -> bool:
    """A ministry officer works from aggregates and the referrals addressed to the ministry,
    so their home is the dashboard; case workers start at their work for today, anyone else
    at the caseload."""
    return is_ministry_officer(active_membership(user))


def can_add_casework(user: User, case: Case) -> bool:
    """Logging a session, recording consent, editing the facts: for a case still open. A
    closed case is reopened first (a phase move, with the reason)."""
    return case.phase != Phase.CLOSED and can_edit_case(user, case)


def allowed_phase_moves(user: User, case: Case) -> list[str]:
    """The phases this person may move this case to: those the survivor's path allows from
    here, without closing unless they may close it."""
    if not can_edit_case(user, case):
        return []
    moves = ALLOWED_TRANSITIONS[case.phase]
    if not can_close_case(user, case):
        moves = moves - {Phase.CLOSED}
    return [phase for phase in Phase.values if phase in moves]
