"""Reads of transfers, and the one grant a transfer leaves: the organisation that handed a
case over reads its identity and case facts until its grace period ends (the day
`sender_access_ends_on`, Phnom Penh's date), decided from the dates at read time. Health facts,
counselling and legal detail go with the case to its new owner alone. cases.selectors and
cases.permissions ask these functions; nothing else decides it."""

import datetime as dt

from django.db.models import Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from cases.visibility import CASE_FACTS, IDENTITY
from organisations.models import Organisation, User
from organisations.permissions import active_membership, has_whole_organisation_role, supervises

from .models import Transfer, TransferStatus

# What the sending organisation keeps reading of a case it handed over, while it may.
SENDER_KEEPS = frozenset({IDENTITY, CASE_FACTS})


def sender_holding_access(today: dt.date | None = None) -> Q:
    """Accepted transfers whose sender still reads the case on `today`."""
    today = today or timezone.localdate()
    return Q(status=TransferStatus.ACCEPTED, sender_access_ends_on__gt=today)


def transferred_case_ids_readable_by(
    organisation: Organisation, category: str | None = None, today: dt.date | None = None
) -> QuerySet | None:
    """Ids of cases this organisation handed over and still reads (reading `category`, if
    given); None when the category is one a sender never keeps. A subquery."""
    if category is not None and category not in SENDER_KEEPS:
        return None
    return (
        Transfer.objects.filter(sender_holding_access(today), from_organisation=organisation)
        .order_by()
        .values("case_id")
    )


def categories_read_by(
    organisation: Organisation, case_ids=None, today: dt.date | None = None
) -> dict[int, set[str]]:
    """What an organisation reads now of each of other organisations' cases (of `case_ids`,
    or all it reads when None): what the referrals holding access share with it, and what a
    transfer leaves it while its grace period lasts. One query."""
    from referrals.models import Referral
    from referrals.selectors import CATEGORY_FLAGS, holding_access

    shared = Referral.objects.filter(holding_access(today), to_organisation=organisation)
    kept = Transfer.objects.filter(sender_holding_access(today), from_organisation=organisation)
    if case_ids is not None:
        case_ids = list(case_ids)
        shared, kept = shared.filter(case_id__in=case_ids), kept.filter(case_id__in=case_ids)
    shared = shared.order_by().values_list("case_id", *CATEGORY_FLAGS.values())
    kept = (
        kept.order_by()
        .annotate(**{f"keeps_{name}": Value(name in SENDER_KEEPS) for name in CATEGORY_FLAGS})
        .values_list("case_id", *(f"keeps_{name}" for name in CATEGORY_FLAGS))
    )
    categories: dict[int, set[str]] = {}
    for case_id, *flags in shared.union(kept, all=True):
        seen = categories.setdefault(case_id, set())
        seen |= {name for name, read in zip(CATEGORY_FLAGS, flags, strict=True) if read}
    return categories


def transfers_for(user: User) -> QuerySet[Transfer]:
    """Transfers a supervisor of either organisation may see: requests sent and received.
    Naming the case's number only; what the receiver reads of the case before accepting is
    that number, the sender and the reason."""
    membership = active_membership(user)
    if not supervises(membership):
        return Transfer.objects.none()
    organisation_id = membership.organisation_id
    return Transfer.objects.filter(
        Q(from_organisation_id=organisation_id) | Q(to_organisation_id=organisation_id)
    ).select_related("case", "from_organisation", "to_organisation", "requested_by")


def transfers_of_organisation(user: User) -> QuerySet[Transfer]:
    """Transfers the caller's organisation sent or received, for a role that answers for the
    whole organisation (a supervisor, its administrator, an API key's account): who handed
    which case to whom and where the request stands. Callers outside both organisations see
    none; the free-text reasons stay on the supervisors' pages (`transfers_for`)."""
    membership = active_membership(user)
    if not has_whole_organisation_role(membership):
        return Transfer.objects.none()
    organisation_id = membership.organisation_id
    return Transfer.objects.filter(
        Q(from_organisation_id=organisation_id) | Q(to_organisation_id=organisation_id)
    ).select_related("case", "from_organisation", "to_organisation")


def transfer_get_for_user(*, user: User, pk: int | str) -> Transfer:
    try:
        return transfers_for(user).get(pk=int(pk))
    except (Transfer.DoesNotExist, ValueError, TypeError):
        raise Http404("No such transfer.") from None


def transfer_waiting(case_id: int) -> Transfer | None:
    return (
        Transfer.objects.filter(case_id=case_id, status=TransferStatus.REQUESTED)
        .select_related("to_organisation")
        .first()
    )
