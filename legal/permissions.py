"""Who may see and record a case's legal proceedings. Legal detail is restricted like health
facts, through the one policy of cases/permissions.py: the case's own worker, its supervisors
and administrators, and another organisation only while a referral it accepted shares health
facts with consent. Recording is for the owning organisation, on an open case."""

from cases.models import Case
from cases.permissions import (
    HEALTH,
    can_add_casework,
    can_edit_sensitive_facts,
    can_view_sensitive_facts,
)
from organisations.models import User

# Legal detail travels with the health facts: a referral shares it only when its consent
# covers health facts.
LEGAL_CATEGORY = HEALTH


def can_view_legal(user: User, case: Case, categories: set[str] | None = None) -> bool:
    """`categories`: the user's `case_data_categories` for the case, when the page already
    has them (no second look-up of the referrals)."""
    if categories is not None:
        return LEGAL_CATEGORY in categories
    return can_view_sensitive_facts(user, case)


def can_record_legal(user: User, case: Case) -> bool:
    return can_add_casework(user, case) and can_edit_sensitive_facts(user, case)
