"""Who may do what with a referral. The case's own rules stay in cases/permissions.py, the
role rules in organisations/permissions.py."""

from cases.models import Case
from cases.permissions import active_membership, can_edit_case
from organisations.models import User
from organisations.permissions import (
    administers,
    is_government,
    is_ministry_officer,
    supervises,
    works_on_cases,
)

from .models import Referral


def can_answer_referral(user: User, referral: Referral) -> bool:
    """Accept, decline, start and complete: the receiving organisation's case workers, or a
    ministry officer when the referral is addressed to a ministry or its department."""
    membership = active_membership(user)
    if membership is None or membership.organisation_id != referral.to_organisation_id:
        return False
    if works_on_cases(membership):
        return True
    return is_ministry_officer(membership) and is_government(membership.organisation)


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
        and supervises(membership)
    )


def can_list_overrides(user: User) -> bool:
    membership = active_membership(user)
    return administers(membership)
