"""Reads that only the API needs. Survivor data still comes from the apps' own selectors;
these add what a page of results needs at constant cost."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.http import Http404

from cases.models import Case, CaseEvent, EventKind
from cases.permissions import active_membership, visible_case_categories_for
from cases.selectors import (
    case_changed_since,
    case_list_visible_in_parts,
    case_list_visible_to,
    handover_moments,
)
from organisations.models import Organisation, User
from referrals.models import Referral

from .models import ApiKey
from .permissions import can_manage_api_keys


def case_categories_for(user: User, cases: Iterable[Case]) -> dict[int, set[str]]:
    """cases.permissions.visible_case_categories for a whole page of cases, in one query at
    most: the same function the pages use."""
    return visible_case_categories_for(user, cases)


def case_ids_granted_since(organisation: Organisation, since: dt.datetime) -> QuerySet:
    """Cases shared with the organisation since a time: new to a syncing partner, though the
    case itself may not have changed."""
    return CaseEvent.objects.filter(
        kind=EventKind.ACCESS_GRANTED, organisation=organisation, occurred_at__gte=since
    ).values("case_id")


def case_ids_referred_changed_since(organisation: Organisation, since: dt.datetime) -> QuerySet:
    """Cases whose referral to the organisation changed since a time (answered, started,
    completed, cancelled, its access ended): what the organisation may see of the case, its
    shared categories, may have changed, though the case itself has not."""
    return Referral.objects.filter(to_organisation=organisation, updated_at__gte=since).values(
        "case_id"
    )


def case_ids_changed_since(
    user: User, since: dt.datetime, moments: dict[int, dt.datetime] | None = None
) -> QuerySet:
    """Ids of the cases the user may see that a syncing partner must fetch again since a
    time: changed (as the user reads them: cases.selectors.case_changed_since), newly
    shared with its organisation, or whose referral to it changed. Visible by construction,
    so a caller reads the cases by these ids alone rather than adding
    `case_list_visible_to`, which would compute the shared cases a second time. Read in
    disjoint parts merged by UNION (each visible part narrowed to what changed), not as one
    OR: the OR walks the whole `updated_at` index, checking every case changed since against
    the sharing subqueries. The organisation's own cases are read once for each of the three
    reasons, so that each read is one index range or lookup (those changed since from
    `own_cases_by_change`, the others by id): OR-ed, they had PostgreSQL read all 20,000 own
    cases of an organisation to keep the few hundred changed. The shared cases are read once,
    among the cases of any reason (`shared_among`): their grants are found from those
    cases, not each of the 9,449 cases shared with the 20,000-case NGO at 1,000,000 cases
    looked up to see whether it changed (44 ms of SQL, now 19). A case changed for two
    reasons comes twice, which the caller's `pk__in` does not mind. `moments`:
    `handover_moments` of the user, if read already."""
    membership = active_membership(user)
    if membership is None:
        return Case.objects.none().values("pk")
    organisation = membership.organisation
    changed = case_changed_since(handover_moments(user) if moments is None else moments, since)
    granted = case_ids_granted_since(organisation, since).order_by()
    referred = case_ids_referred_changed_since(organisation, since).order_by()
    among = Case.objects.filter(changed).values("pk").order_by().union(granted, referred, all=True)
    parts = case_list_visible_in_parts(user, shared_among=among)
    if not parts:
        return Case.objects.none().values("pk")
    *own, shared = parts  # the own organisation's part first, where there is one
    reads = [
        part.filter(reason)
        for part in own
        for reason in (changed, Q(pk__any_of=granted), Q(pk__any_of=referred))
    ]
    reads.append(shared)
    reads = [read.values("pk").order_by() for read in reads]
    return reads[0].union(*reads[1:], all=True)


def cases_changed_since(
    user: User, since: dt.datetime, moments: dict[int, dt.datetime] | None = None
) -> QuerySet[Case]:
    """The cases of `case_ids_changed_since`, in one query."""
    return Case.objects.filter(pk__in=case_ids_changed_since(user, since, moments))


def tombstones_for(user: User, since: dt.datetime | None = None) -> QuerySet[CaseEvent]:
    """Cases that left the user's organisation's view (sharing ended) and are still out of it:
    the case id and the time only, never what the case holds."""
    membership = active_membership(user)
    if membership is None:
        return CaseEvent.objects.none()
    events = CaseEvent.objects.filter(
        kind=EventKind.ACCESS_REVOKED, organisation_id=membership.organisation_id
    ).exclude(case_id__in=case_list_visible_to(user).values("pk"))
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    return events.only("id", "case_id", "occurred_at")


def api_keys_for(user: User, organisation: Organisation) -> QuerySet[ApiKey]:
    if not can_manage_api_keys(user, organisation):
        return ApiKey.objects.none()
    return ApiKey.objects.filter(organisation=organisation).select_related("created_by")


def api_key_get_for_admin(*, user: User, pk: int) -> ApiKey:
    membership = active_membership(user)
    if membership is None:
        raise Http404("No such key.")
    try:
        return api_keys_for(user, membership.organisation).get(pk=pk)
    except ApiKey.DoesNotExist:
        raise Http404("No such key.") from None


def organisations_directory() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True).select_related("province", "parent")


def colleagues_of(user: User) -> QuerySet[User]:
    """People of the user's organisation, for fields naming a worker or counsellor."""
    membership = active_membership(user)
    if membership is None:
        return User.objects.none()
    return User.objects.filter(membership__organisation_id=membership.organisation_id)
