"""Who may transfer a case and answer a transfer: supervisors, since a transfer moves the whole
case and who works on it. Role rules come from organisations/permissions.py."""

from cases.models import Case, Phase
from cases.permissions import can_assign_case
from organisations.models import Organisation, User
from organisations.permissions import CASE_OWNING_KINDS, active_membership, owns_cases, supervises

from .models import Transfer, TransferStatus


def can_request_transfer(user: User, case: Case) -> bool:
    """A supervisor of the owning organisation, for an open case."""
    return case.phase != Phase.CLOSED and can_assign_case(user, case)


def _supervises(user: User, organisation_id: int) -> bool:
    membership = active_membership(user)
    return supervises(membership) and membership.organisation_id == organisation_id


def can_answer_transfer(user: User, transfer: Transfer) -> bool:
    """A supervisor of the receiving organisation: it chooses who will work on the case."""
    return transfer.status == TransferStatus.REQUESTED and _supervises(
        user, transfer.to_organisation_id
    )


def can_cancel_transfer(user: User, transfer: Transfer) -> bool:
    return transfer.status == TransferStatus.REQUESTED and _supervises(
        user, transfer.from_organisation_id
    )


def can_receive_transfers(organisation: Organisation) -> bool:
    """Only an organisation that holds case files can own a case: an NGO or an international
    organisation, never a ministry, a police unit or a court."""
    return organisation.is_active and owns_cases(organisation)


def organisations_receiving_transfers():
    return Organisation.objects.filter(is_active=True, kind__in=CASE_OWNING_KINDS)
