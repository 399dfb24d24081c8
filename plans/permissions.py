"""Who may do what with a reintegration plan, its assessments and its approvals."""

from cases.models import Case
from cases.permissions import active_membership, can_edit_case, can_view_sensitive_facts
from organisations.models import User
from organisations.permissions import supervises

from .models import RESTRICTED_DOMAINS, Approval


def can_work_on_plan(user: User, case: Case) -> bool:
    """Assess, plan, record services and ask for decisions: whoever may edit the case."""
    return can_edit_case(user, case)


def can_decide_for_case(user: User, case: Case) -> bool:
    """Supervisors and organisation administrators decide plans and closures."""
    membership = active_membership(user)
    return supervises(membership) and membership.organisation_id == case.organisation_id


def can_decide(user: User, approval: Approval) -> bool:
    """A supervisor of the case's organisation, never the person who asked."""
    return approval.requested_by_id != user.pk and can_decide_for_case(user, approval.case)


def visible_domains(user: User, case: Case) -> set[str]:
    """The plan's domains the user may read: all, or all but health for those who may not see
    the case's health facts."""
    from .models import Domain

    domains = set(Domain.values)
    if not can_view_sensitive_facts(user, case):
        domains -= set(RESTRICTED_DOMAINS)
    return domains


def can_decide_approvals(user: User) -> bool:
    """Whether the user has approvals to decide at all (the supervisor's list of requests)."""
    return supervises(active_membership(user))
