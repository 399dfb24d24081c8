"""Reads of transfers, and the one grant a transfer leaves: the organisation that handed a
case over reads its identity and case facts until its grace period ends (the day
`sender_access_ends_on`, Phnom Penh's date), decided from the dates at read time. Health facts,
counselling and legal detail go with the case to its new owner alone. cases.selectors and
cases.permissions ask these functions; nothing else decides it."""

import datetime as dt
import json

from django.db import connections
from django.db.models import (
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.http import Http404
from django.utils import timezone

from cases.encryption import EncryptedTextField
from cases.visibility import CASE_FACTS, IDENTITY, Reading
from organisations.models import Organisation, User
from organisations.permissions import active_membership, has_whole_organisation_role, supervises

from .models import Transfer, TransferStatus

# What the sending organisation keeps reading of a case it handed over, while it may.
SENDER_KEEPS = frozenset({IDENTITY, CASE_FACTS})
# The stored case as it was handed over, read through its field (encrypted at rest).
SNAPSHOT = Transfer._meta.get_field("sender_snapshot")


def sender_holding_access(today: dt.date | None = None) -> Q:
    """Accepted transfers whose sender still reads the case on `today`: its grace period
    lasts, and the case has not come back to it since. The one place that decides which
    handover a former owner reads a case through, so which moment it reads it as of: an
    organisation that handed a case over, had it back and handed it over again reads what
    existed when its own access last ended, the later handover; the earlier one ended when
    the case came back (a grace period it left open must not outlast a later one, nor
    reopen a case a handover with no grace period closed to it). So there is at most one
    per organisation and case."""
    return _in_grace_period(today) & ~Q(_came_back())


def _in_grace_period(today: dt.date | None = None) -> Q:
    """Accepted transfers whose grace period lasts on `today`: `sender_holding_access`
    before the test that the case has not come back."""
    today = today or timezone.localdate()
    return Q(status=TransferStatus.ACCEPTED, sender_access_ends_on__gt=today)


def may_keep_any_case(organisation: Organisation, today: dt.date | None = None) -> bool:
    """Whether any transfer from the organisation may still leave it reading a case it
    handed over (`_in_grace_period`, of which `sender_grants` are some): when none does, as
    for most organisations, a reader of what it keeps has nothing to build. One probe, 0.4
    ms, against 2.3 ms to build and run `sender_readings` (the 20,000-case NGO at 1,000,000
    cases)."""
    return Transfer.objects.filter(_in_grace_period(today), from_organisation=organisation).exists()


def _came_back() -> Exists:
    """Whether the case came back to the organisation that handed it over, after this
    handover (a condition on transfers)."""
    return Exists(
        Transfer.objects.filter(
            case_id=OuterRef("case_id"),
            to_organisation_id=OuterRef("from_organisation_id"),
            status=TransferStatus.ACCEPTED,
            answered_at__gt=OuterRef("answered_at"),
        )
    )


def sender_grants(organisation: Organisation, today: dt.date | None = None) -> QuerySet:
    """The accepted transfers that leave this organisation reading a case it handed over
    (`sender_holding_access`, one per case): its grace period lasts and the case is not its
    own again."""
    return (
        Transfer.objects.filter(sender_holding_access(today), from_organisation=organisation)
        .exclude(case__organisation=organisation)
        .order_by()
    )


def read_as_handed_over(kept, live):
    """The rule, written here alone: an organisation reads a case it kept after a transfer
    as the case stood at acceptance, unless a referral shares the case with it now; then it
    reads it live, as any referral (one from the new owner, under the survivor's consent).

    `kept` and `live` are what the organisation keeps and the referrals sharing cases with it
    (`referrals_sharing_with`), either as querysets (the transfers through which it reads
    the case as handed over, for `sender_readings`, and through it `sender_snapshot_of` and
    the caseload's snapshot column) or as rows already read, by case id (the readings, for
    `categories_read_by`, which reads both in one query and must not read the referrals
    again in a subquery)."""
    if isinstance(kept, QuerySet):
        return kept.exclude(case_id__in=live.order_by().values("case_id"))
    return {case_id: reading for case_id, reading in kept.items() if case_id not in live}


def sender_readings(organisation: Organisation, today: dt.date | None = None) -> QuerySet:
    """The `sender_grants` through which this organisation reads the case as it stood at
    acceptance (`read_as_handed_over`)."""
    from referrals.selectors import referrals_sharing_with

    return read_as_handed_over(
        sender_grants(organisation, today), referrals_sharing_with(organisation, today)
    )


def transferred_case_ids_readable_by(
    organisation: Organisation, category: str | None = None, today: dt.date | None = None
) -> QuerySet | None:
    """Ids of cases this organisation handed over and still reads (`sender_grants`); a
    subquery. With a `category`, the cases where the transfer reveals that category to
    search, filters and sorting: none. The sender reads the case as it stood at acceptance
    (`categories_read_by`), and matching or ordering on the live columns would tell it what
    the new owner changed since, so the case it kept is found by its number alone; None
    says so."""
    if category is not None:
        return None
    return sender_grants(organisation, today).values("case_id")


def sender_snapshot_of(organisation: Organisation, today: dt.date | None = None) -> Subquery:
    """Per case (a subquery on cases), the snapshot of the organisation's `sender_readings`
    of the case (one at most: `sender_holding_access`); NULL where there is none: where the
    organisation does not keep the case, or reads it live because a referral shares it."""
    grant = sender_readings(organisation, today).filter(case_id=OuterRef("pk"))
    return Subquery(grant.values("sender_snapshot")[:1], output_field=EncryptedTextField())


def reading_from(categories, snapshot: str | None, as_of: dt.datetime | None):
    """The categories as a `Reading` of the case at `as_of`, from a stored snapshot."""
    return Reading(categories, as_of=as_of, snapshot=json.loads(snapshot or "{}"))


def categories_read_by(
    organisation: Organisation,
    case_ids=None,
    today: dt.date | None = None,
) -> dict[int, frozenset[str]]:
    """What an organisation reads now of each of other organisations' cases (of `case_ids`,
    or all it reads when None): what the referrals holding access share with it, as the case
    is now; and, where no referral does, what a transfer leaves it while its grace period
    lasts, as a `Reading` of the case as it stood when that transfer was accepted
    (`sender_grants`: one per case; `read_as_handed_over`). One query.

    Thousands of rows for a large organisation, in a few combinations of flags: each
    combination is one frozenset, shared by every case read through it alone, and the
    snapshots come as stored and are decrypted only for the cases read through a transfer."""
    from referrals.selectors import CATEGORY_FLAGS, referrals_sharing_with

    kept = sender_grants(organisation, today)
    shared = referrals_sharing_with(organisation, today)
    if case_ids is not None:
        case_ids = list(case_ids)
        kept, shared = kept.filter(case_id__in=case_ids), shared.filter(case_id__in=case_ids)
    # As stored, not through the field's converter: one call per row otherwise.
    stored = ExpressionWrapper(F("sender_snapshot"), output_field=TextField())
    kept = (
        kept.order_by()
        .annotate(
            **{f"keeps_{name}": Value(name in SENDER_KEEPS) for name in CATEGORY_FLAGS},
            as_of=F("answered_at"),
            snapshot=stored,
        )
        .values_list("case_id", *(f"keeps_{name}" for name in CATEGORY_FLAGS), "as_of", "snapshot")
    )
    # Second in the union: the columns are converted as the first query's, and a referral
    # has neither a moment nor a snapshot.
    shared = (
        shared.order_by()
        .annotate(
            as_of=Value(None, output_field=DateTimeField()),
            snapshot=Value(None, output_field=TextField()),
        )
        .values_list("case_id", *CATEGORY_FLAGS.values(), "as_of", "snapshot")
    )
    live: dict[int, frozenset[str]] = {}
    frozen: dict[int, tuple] = {}
    named: dict[tuple, frozenset[str]] = {}
    flags = len(CATEGORY_FLAGS)
    for row in kept.union(shared, all=True):
        case_id, as_of, snapshot = row[0], row[flags + 1], row[flags + 2]
        read = named.get(key := row[1 : flags + 1])
        if read is None:
            read = named[key] = frozenset(
                name for name, flag in zip(CATEGORY_FLAGS, key, strict=True) if flag
            )
        if as_of is None:
            earlier = live.get(case_id)
            live[case_id] = read if earlier is None or earlier is read else earlier | read
        else:
            # Decrypted as the field reads it, for these few rows alone.
            snapshot = SNAPSHOT.from_db_value(snapshot, None, connections[kept.db])
            frozen[case_id] = (read, snapshot, as_of)
    categories: dict[int, frozenset[str]] = {
        case_id: reading_from(*reading)
        for case_id, reading in read_as_handed_over(frozen, live).items()
    }
    categories.update(live)
    return categories


def transfers_for(user: User) -> QuerySet[Transfer]:
    """Transfers a supervisor of either organisation may see: requests sent and received.
    Naming the case's number only; what the receiver reads of the case before accepting is
    that number, the sender and the reason."""
    membership = active_membership(user)
    if not supervises(membership):
        return Transfer.objects.none()
    return _sent_or_received(membership.organisation_id).select_related("requested_by")


def transfers_of_organisation(user: User) -> QuerySet[Transfer]:
    """Transfers the caller's organisation sent or received, for a role that answers for the
    whole organisation (a supervisor, its administrator, an API key's account): who handed
    which case to whom and where the request stands. Callers outside both organisations see
    none; the free-text reasons stay on the supervisors' pages (`transfers_for`)."""
    membership = active_membership(user)
    if not has_whole_organisation_role(membership):
        return Transfer.objects.none()
    return _sent_or_received(membership.organisation_id)


def _sent_or_received(organisation_id: int) -> QuerySet[Transfer]:
    """The transfers an organisation is a party to, with what a row of them names."""
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
