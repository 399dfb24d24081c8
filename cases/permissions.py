"""Who may do what with a case. The role rules come from organisations/permissions.py; the
object rules (which case, whose organisation) are written here once, so pages, admin and API
agree."""

from django.db.models import Q, QuerySet

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
from .visibility import CASE_FACTS, HEALTH, IDENTITY

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
    # Which categories of a case's data a reader sees (cases.visibility declares the fields).
    "can_view_identity",
    "can_view_sensitive_facts",
    "case_data_categories",
    "visible_case_categories",
    "visible_case_categories_for",
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


def assignable_in(organisation: Organisation) -> Q:
    """`can_be_assigned_case` as a filter on users, for asking it of people already found."""
    return assignable_members() & Q(membership__organisation=organisation)


def assignable_workers(organisation: Organisation) -> QuerySet[User]:
    """`can_be_assigned_case` as a list: who may be given the organisation's cases.

    The organisation's people are found from its memberships (`pk__any_of`), then read by
    primary key: asked as a join alone, PostgreSQL read every user of every organisation to
    hash them against the few hundred it has (22,603 users at 1,000,000 cases: 6 of the 7 ms
    of the list of a 20,000-case NGO's 450 workers)."""
    people = Membership.objects.filter(organisation=organisation).values("user_id")
    return User.objects.filter(assignable_members(), pk__any_of=people)  # one membership each


def can_view_sensitive_facts(user: User, case: Case) -> bool:
    """HIV status, health and legal notes, counselling: see `visible_case_categories`."""
    return HEALTH in visible_case_categories(user, case)


# Which categories of a case's data (cases.visibility) a reader sees. Pages, API, exports,
# timeline, search and filters all ask these; nothing else decides it.


def _own_case_categories(membership: Membership, user: User, case: Case) -> set[str]:
    if not works_on_cases(membership):
        return set()
    if not (sees_whole_organisation(membership) or case.assigned_worker_id == user.pk):
        return set()
    seen = {IDENTITY, CASE_FACTS}
    if supervises(membership) or case.assigned_worker_id == user.pk:
        seen.add(HEALTH)
    return seen


def visible_case_categories_for(user: User, cases) -> dict[int, set[str]]:
    """`visible_case_categories` for many cases, in one query at most.

    The case's own organisation: identity and case facts for those who may work on it (the
    whole organisation, or only the assigned worker where the organisation limits workers to
    their own cases); health for supervisors, administrators and the assigned worker.
    Another organisation: what its referrals holding access on today's date share (an expired
    consent or an ended grace period shares nothing, whatever a background job has done), and
    what an organisation that transferred the case keeps until its grace period ends."""
    from transfers.selectors import categories_read_by

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
        seen.update(categories_read_by(membership.organisation, others))
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
    here, except "closed", which a case reaches only through an approved closure request."""
    if not can_edit_case(user, case):
        return []
    moves = ALLOWED_TRANSITIONS[case.phase] - {Phase.CLOSED}
    return [phase for phase in Phase.values if phase in moves]
