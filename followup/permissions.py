"""Who may do what in follow-up. Role rules come from organisations/permissions.py; visit
rules follow the case's (cases/permissions.py)."""

from organisations.models import Membership, User
from organisations.permissions import (
    active_membership,
    has_whole_organisation_role,
    told_of_overdue_visits,
    works_on_cases,
)

__all__ = [
    "can_add_community_resources",
    "sees_overdue_visits_of_organisation",
    "told_of_overdue_visits",
]


def can_add_community_resources(user: User) -> bool:
    return works_on_cases(active_membership(user))


def sees_overdue_visits_of_organisation(membership: Membership | None) -> bool:
    """The overdue list: the organisation's for supervisors and administrators, a worker's own
    otherwise."""
    return has_whole_organisation_role(membership)
