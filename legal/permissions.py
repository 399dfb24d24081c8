"""Who may see and record a case's legal proceedings. Legal detail is restricted like health
facts, through the one policy of cases/permissions.py: the case's own worker, its supervisors
and administrators, and another organisation only while a referral it accepted shares health
facts with consent. Recording is for the owning organisation, on an open case."""

from cases.models import Case
from cases.permissions import can_add_casework, can_edit_sensitive_facts, can_view_sensitive_facts
from organisations.models import User


def can_view_legal(user: User, case: Case) -> bool:
    return can_view_sensitive_facts(user, case)


def can_record_legal(user: User, case: Case) -> bool:
    return can_add_casework(user, case) and can_edit_sensitive_facts(user, case)
