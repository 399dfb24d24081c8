"""Every read of survivor data goes through these functions."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as When_
from django.db.models.functions import Cast, Coalesce, Greatest
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property

from organisations.models import Organisation, User, display_name
from organisations.permissions import supervises

from . import (
    lookups,  # noqa: F401  (registers pk__any_of, pk__in_ids)
    visibility,
)
from .encryption import EncryptedTextField
from .models import Case, CaseEvent, Consent, CounsellingSession, Phase, RiskLevel
from .permissions import (
    active_membership,
    assignable_workers,
    can_edit_case,
    sees_whole_organisation,
    works_on_cases,
)
from .visibility import CASE_FACTS, HEALTH, IDENTITY


def shared_with(
    organisation: Organisation,
    category: str | None = None,
    today: dt.date | None = None,
    among: QuerySet | list[int] | None = None,
) -> Q:
    """Other organisations' cases this one reads now, or on `today` (reading `category`, if
    given): those
    shared through referrals holding access, and those it transferred to another organisation
    while its grace period lasts. These rows are the grants: whether a case is listed and
    what is seen of it come from the same rows, with their dates checked at read time.

    With `among` (case ids, as a list or a subquery), the same condition asked of those
    cases alone: their grants are read through the cases' own index, not those of every
    case shared with the organisation (at 1,000,000 cases the 20,000-case NGO's 9,449: a
    shared case's page spent 7.6 ms running its lookup and 5.2 planning it, now 0.2 and 2.5;
    `updated_since` 40 ms running its read, now 14).

    With a `category`, the cases where search, filters and sorting may use that category's
    columns: a transferred case is never among them. Its former owner reads it as it stood
    at acceptance (transfers.selectors), and the live columns may hold what the new owner
    changed since; so it is listed, counted and found by its number, nothing else."""
    from referrals.selectors import referral_case_ids_shared_with
    from transfers.selectors import may_keep_any_case, transferred_case_ids_readable_by

    shared = referral_case_ids_shared_with(organisation, category, today)
    kept = transferred_case_ids_readable_by(organisation, category, today)
    if kept is not None and isinstance(among, QuerySet):
        # A subquery of ids would be built, compiled and planned in both branches, where
        # the transfers' is empty unless the organisation handed a case over within a grace
        # period: one probe asks (0.4 ms), asked at each call so that it sees what the same
        # transaction wrote. `updated_since` at 1,000,000 cases: 4 ms less of the web
        # worker's time, of 55.
        kept = kept if may_keep_any_case(organisation, today) else None
    if among is not None:
        shared = shared.filter(case_id__in=among)
        kept = None if kept is None else kept.filter(case_id__in=among)
    # One array of ids, not two OR-ed: PostgreSQL then reads the cases from an index alone
    # (`case_change_by_id`), where the OR took a bitmap of both and a visit to each row.
    return Q(pk__any_of=shared if kept is None else shared.union(kept, all=True))


def organisation_reads_case(
    organisation: Organisation, case_id: int, today: dt.date | None = None
) -> bool:
    """Whether the organisation reads the case (now, or on `today`): its own, or shared with
    it (`shared_with`). Asked when one grant ends, before telling its partner systems to drop
    the case: another grant may still hold it."""
    return Case.objects.filter(
        Q(organisation=organisation) | shared_with(organisation, today=today, among=[case_id]),
        pk=case_id,
    ).exists()


class _Rule:
    """Who sees which case: `own`, the own organisation's cases the user may see (None for
    roles with no caseload of their own; every case of the organisation, or, where the
    organisation limits social workers to their own cases, those assigned to them); and
    `shared`, the cases other organisations shared with the user's organisation
    (`shared_with`), built when first asked for: a list of the own organisation's work, or a
    caseload that reads what others share from its grants, never needs it.

    `own_as(prefix)` is `own` asked of the columns that hold a case's organisation and worker
    under that prefix: a referral's copies of them, or the case of a transfer."""

    def __init__(self, organisation: Organisation, lists_own: bool, worker_id: int | None = None):
        self.organisation, self.organisation_id = organisation, organisation.pk
        self.lists_own, self.worker_id = lists_own, worker_id
        self.own = self.own_as("")

    def own_as(self, prefix: str) -> Q | None:
        if not self.lists_own:
            return None
        own = Q(**{f"{prefix}organisation_id": self.organisation_id})
        if self.worker_id is not None:
            own &= Q(**{f"{prefix}assigned_worker_id": self.worker_id})
        return own

    @cached_property
    def shared(self) -> Q:
        return shared_with(self.organisation)

    def shared_among(self, among: QuerySet | list[int]) -> Q:
        """`shared`, asked of these cases alone (`shared_with`)."""
        return shared_with(self.organisation, among=among)


def _visibility(user: User) -> _Rule | None:
    """The rule of who sees which case, in one place (`_Rule`). None for someone with no
    active membership."""
    membership = active_membership(user)
    if membership is None:
        return None
    if not works_on_cases(membership):
        return _Rule(membership.organisation, lists_own=False)
    worker_id = None if sees_whole_organisation(membership) else user.pk
    return _Rule(membership.organisation, lists_own=True, worker_id=worker_id)


def own_cases_visible_to(user: User) -> QuerySet[Case]:
    """The part of `case_list_visible_to` that is the user's own organisation's cases: for
    lists of the organisation's own work (a case is assigned, and its visits planned, only
    within the organisation that holds it), read from an index without the sharing subquery."""
    rule = _visibility(user)
    if rule is None or rule.own is None:
        return Case.objects.none()
    return Case.objects.filter(rule.own)


def open_cases_assigned_to(user: User) -> QuerySet[Case]:
    """The user's own open cases: their organisation's cases assigned to them."""
    return own_cases_visible_to(user).filter(assigned_worker_id=user.pk).exclude(phase=Phase.CLOSED)


def case_list_visible_to(user: User) -> QuerySet[Case]:
    rule = _visibility(user)
    if rule is None:
        return Case.objects.none()
    shared, own = rule.shared, rule.own
    # The own organisation's condition first: PostgreSQL then reads the sharing subquery
    # only for a case that is not the organisation's own (a case page, a page of rows).
    return Case.objects.filter(shared if own is None else own | shared)


# Where a category of data is revealed: a condition on cases, per category, that search,
# filters and sorting must add before they may use a field of that category
# (cases.visibility). None stands for "every case of this part" (the own organisation's).
# A case a former owner reads as it was handed over reveals nothing here (`shared_with`):
# its live columns are the new owner's.
Reveals = dict[str, Q | None]

# What a row of a case list may show, whoever reads it: lists never show health facts. The
# rows' `shows_*` columns (`_shows_columns`) and `shown_caseload_row` hold to it.
LISTED = (IDENTITY, CASE_FACTS)


def _shared_reveals(user: User) -> Reveals:
    membership = active_membership(user)
    return {
        category: shared_with(membership.organisation, category)
        for category in (IDENTITY, CASE_FACTS, HEALTH)
    }


def case_list_visible_in_parts(
    user: User, shared_among: QuerySet | None = None
) -> list[QuerySet[Case]]:
    """The same cases as `case_list_visible_to`, as disjoint parts: the own organisation's
    cases, then the cases other organisations shared. Each part alone can be read from an
    index; the two joined by OR cannot, and cost the caseload a scan of the table.

    With `shared_among`, a subquery of case ids, the shared part is of those cases alone,
    its grants found from them (`shared_with`); the own part is unchanged, for the caller
    to narrow on its own index."""
    rule = _visibility(user)
    if rule is None:
        return []
    shared = rule.shared if shared_among is None else rule.shared_among(shared_among)
    own = rule.own
    if own is None:
        return [Case.objects.filter(shared)]
    return [Case.objects.filter(own), Case.objects.filter(shared).exclude(own)]


def _own_part(user: User, own: Q) -> tuple[QuerySet[Case], Reveals]:
    """The own organisation's part of `case_list_visible_in_parts` with where it reveals each
    category: identity and case facts wholly (whoever may list an own case may see both),
    health to supervisors, administrators and the assigned worker (cases.permissions says
    the same)."""
    membership = active_membership(user)
    own_health = None if supervises(membership) else Q(assigned_worker_id=user.pk)
    return Case.objects.filter(own), {IDENTITY: None, CASE_FACTS: None, HEALTH: own_health}


class Grants(dict[int, frozenset[str]]):
    """What other organisations' cases an organisation reads now, each with the categories
    read: the rows behind `shared_with`, fetched once for a page that needs them in several
    queries."""


NOTHING = Q(pk__in=[])


def shared_grants(user: User, case_ids=None) -> Grants:
    """The cases `shared_with` the user's organisation (of `case_ids`, or all when None),
    each with what it reads of them (transfers.selectors.categories_read_by: referrals
    holding access and transfers in their grace period, their dates checked now), in one
    query."""
    from transfers.selectors import categories_read_by

    membership = active_membership(user)
    if membership is None:
        return Grants()
    return Grants(categories_read_by(membership.organisation, case_ids))


def _caseload_parts(
    user: User, grants: Grants | None
) -> list[tuple[QuerySet[Case], Reveals, bool]]:
    """The parts of `case_list_visible_in_parts` with where each reveals each category
    (`_own_part`), and whether it is the own organisation's; the shared one read from
    `grants` and split by what its cases reveal (what a referral holding access shares):
    each part reveals a category wholly or not at all, so its sort keys and filters repeat
    no sharing subquery (five of them cost the 20,000-case NGO's caseload most of its time).
    Without the shared parts if `grants` is None."""
    rule = _visibility(user)
    if rule is None:
        return []
    own = rule.own
    parts = [] if own is None else [(*_own_part(user, own), True)]
    if grants is None:
        return parts
    by_reveals: dict[frozenset, list[int]] = {}
    for pk, categories in grants.items():
        by_reveals.setdefault(_revealed_by(categories), []).append(pk)
    for categories, ids in sorted(by_reveals.items(), key=lambda group: sorted(group[0])):
        part = Case.objects.filter(pk__in_ids=lookups.Ids(sorted(ids)))
        if own is not None:
            part = part.exclude(own)
        reveals = {c: None if c in categories else NOTHING for c in (IDENTITY, CASE_FACTS, HEALTH)}
        parts.append((part, reveals, False))
    return parts


def _revealed_by(categories: frozenset[str]) -> frozenset[str]:
    """What a shared case reveals to search, filters and sorting, from what its reader reads
    of it: a case read as it was handed over reveals nothing, its live columns being the new
    owner's (`shared_with`)."""
    return frozenset() if visibility.read_as_of(categories) else frozenset(categories)


def case_reveals(user: User) -> Reveals:
    """Where `case_list_visible_to` reveals each category to search, filters and sorting, in
    one condition per category: the own organisation's cases the user may list show identity
    and case facts, health to supervisors, administrators and the assigned worker
    (cases.permissions); shared cases show what their referrals holding access share; a case
    kept after a transfer nothing (`shared_with`; it is shown as it was, `_revealed`)."""
    rule = _visibility(user)
    if rule is None:
        return {category: Q(pk__in=[]) for category in (IDENTITY, CASE_FACTS, HEALTH)}
    membership = active_membership(user)
    own = rule.own
    reveals = _shared_reveals(user)
    if own is None:
        return reveals
    own_health = own if supervises(membership) else own & Q(assigned_worker_id=user.pk)
    return {
        IDENTITY: own | reveals[IDENTITY],
        CASE_FACTS: own | reveals[CASE_FACTS],
        HEALTH: own_health | reveals[HEALTH],
    }


def case_get_for_user(*, user: User, pk: int | str, perm: str = "view") -> Case:
    """The case if the user may `view` (or `change`) it; 404 alike for missing and forbidden.

    The cases of `case_list_visible_to`, looked for in its two parts in turn: most pages are
    of the organisation's own cases, found without building and planning the sharing
    subqueries."""
    rule = _visibility(user)
    try:
        pk = int(pk)
    except (ValueError, TypeError):
        raise Http404("No such case.") from None
    if rule is None:
        raise Http404("No such case.")
    own = rule.own
    # Six tables, not seven (the commune's district is not shown): PostgreSQL plans this
    # query on every page of a case, and each table joined costs it more than the reading
    # (3.0 ms of planning with the district, 1.8 without, for 0.3 of execution).
    cases = Case.objects.select_related(
        "organisation", "assigned_worker", "origin_province", "origin_commune", "origin_village"
    ).filter(pk=pk)
    case = cases.filter(own).first() if own is not None else None
    if case is None:
        case = cases.filter(rule.shared_among([pk])).first()
    if case is None:
        raise Http404("No such case.")
    if perm == "change" and not can_edit_case(user, case):
        raise Http404("No such case.")
    return case


def organisations_with_access(case: Case, categories: set[str]) -> QuerySet[Organisation]:
    """Other organisations the case is shared with now (referrals holding access, and a
    former owner in its grace period), never the one that holds it (a referral to it may
    outlast its transfer); those it went to for a health service only to a reader who sees
    health facts (cases.visibility)."""
    from referrals.selectors import holding_access
    from transfers.selectors import sender_holding_access

    referrals = case.referrals.filter(holding_access())
    if HEALTH not in categories:
        referrals = referrals.exclude(service__in=visibility.HEALTH_SERVICES)
    # An organisation that transferred the case away reads it during its grace period.
    kept = case.transfers.filter(sender_holding_access())
    return Organisation.objects.filter(
        Q(pk__in=referrals.values("to_organisation_id"))
        | Q(pk__in=kept.values("from_organisation_id"))
    ).exclude(pk=case.organisation_id)


def exploitation_list_for_case(case: Case, categories: set[str]) -> list:
    """The forms of exploitation, where and when: for a reader who sees the case facts; as
    they were, for a reader of the case as it stood at a moment (cases.snapshots)."""
    if visibility.field_category(Case, "exploitations") not in categories:
        return []
    if getattr(categories, "snapshot", None) is not None:
        from .snapshots import with_provinces

        rows = with_provinces(list(visibility.as_seen(case, categories).exploitations.all()))
    else:
        rows = case.exploitations.select_related("province")
    return [visibility.shown(row, categories) for row in rows]


def consents_for_case(case: Case, categories: set[str]) -> QuerySet[Consent]:
    """The case's consents a reader who sees these kinds of its data may see (the case itself
    already found visible): one that tells of the survivor's health only to those who see
    health facts. The consent list, the documents attached to consents and the pages of a
    consent's documents all read them here. `consents_visible_to` is the same rule for every
    case at once; tests/cases/test_consent_readings_agree.py holds the two to each other."""
    consents = visibility.written_by(case.consents.all(), categories)
    if HEALTH not in categories:
        consents = consents.exclude(_consent_tells_of_health())
    return consents


def consent_list_for_case(case: Case, categories: set[str]) -> list:
    """The case's consents the reader may see, as they may see them (cases.visibility)."""
    consents = consents_for_case(case, categories).select_related(
        "shared_with_organisation", "recorded_by"
    )
    return [visibility.shown(consent, categories) for consent in consents]


def records_as_read_by(user: User, records: QuerySet, case_field: str = "case") -> QuerySet:
    """Records of the cases the user may see (`case_field` names their case), as the user
    reads them: of a case its organisation reads as it stood when its transfer was accepted
    (transfers.selectors.sender_readings), only those written and last changed by then, as
    `cases.visibility.written_by` says of one case. A NOT EXISTS, which PostgreSQL runs as
    an anti-join: a list costs what it cost without it."""
    from transfers.selectors import sender_readings

    membership = active_membership(user)
    names = {field.name for field in records.model._meta.concrete_fields}
    stamps = [name for name in visibility.WRITTEN_AT if name in names]
    if membership is None or not stamps:
        return records
    written_after = Q()
    for name in stamps:
        written_after |= Q(answered_at__lt=OuterRef(name))
    later = sender_readings(membership.organisation).filter(
        written_after, case_id=OuterRef(case_field)
    )
    return records.filter(~Exists(later))


def handover_moments(user: User) -> dict[int, dt.datetime]:
    """The cases the user's organisation reads as they stood at a handover, each with that
    moment (transfers.selectors.sender_readings): the few it handed over in its grace
    periods, in one query."""
    from transfers.selectors import may_keep_any_case, sender_readings

    membership = active_membership(user)
    if membership is None or not may_keep_any_case(membership.organisation):
        return {}
    return dict(sender_readings(membership.organisation).values_list("case_id", "answered_at"))


def case_last_changed(moments: dict[int, dt.datetime]) -> When_ | F:
    """When each case last changed, as the reader of `handover_moments` reads it: a case it
    reads as it stood at its handover changed last then (the moment
    `cases.visibility.Reading` reads it as of), whatever the new owner has done since; any
    other case at its `updated_at`. Lists ordered by change are ordered by this, and
    `case_changed_since` says the same: the live column would tell a former owner each time
    the new owner works on the case. Without such cases, the column itself (its index)."""
    if not moments:
        return F("updated_at")
    return When_(
        *(When(pk=pk, then=Value(moment)) for pk, moment in sorted(moments.items())),
        default=F("updated_at"),
        output_field=DateTimeField(),
    )


def case_changed_since(moments: dict[int, dt.datetime], since: dt.datetime) -> Q:
    """Cases that changed at or after `since` as `case_last_changed` says, as a condition
    that the index on `updated_at` still serves."""
    changed = Q(updated_at__gte=since)
    if not moments:
        return changed
    changed &= ~Q(pk__in_ids=lookups.Ids(sorted(moments)))
    handed_over_since = sorted(pk for pk, moment in moments.items() if moment >= since)
    return changed | Q(pk__in_ids=handed_over_since) if handed_over_since else changed


def _consent_tells_of_health() -> Q:
    """A consent tells of the survivor's health when it covers health facts or names an
    organisation the case was referred to for a health service."""
    from referrals.models import Referral

    to_health_service = Referral.objects.filter(
        case=OuterRef("case"),
        to_organisation=OuterRef("shared_with_organisation"),
        service__in=visibility.HEALTH_SERVICES,
    )
    return Q(covers_health=True) | Q(Exists(to_health_service))


def consents_visible_to(user: User) -> QuerySet[Consent]:
    """Consents of the cases the user may see; those that tell of the survivor's health
    (`_consent_tells_of_health`) only where the user sees the case's health facts."""
    visible = case_list_visible_to(user)
    consents = Consent.objects.filter(case__in=visible.values("pk")).filter(
        ~_consent_tells_of_health()
        | Q(case__in=visible.filter(case_reveals(user)[HEALTH]).values("pk"))
    )
    return records_as_read_by(user, consents)


def counselling_sessions_visible_to(user: User) -> QuerySet[CounsellingSession]:
    """Counselling sessions are health data, wholly: only of cases whose health the user sees."""
    visible = case_list_visible_to(user).filter(case_reveals(user)[HEALTH])
    return CounsellingSession.objects.filter(case__in=visible.values("pk"))


def counselling_session_list_for_case(case: Case, categories: set[str]) -> list:
    """Counselling sessions are health data, wholly: none without health facts."""
    if HEALTH not in categories:
        return []
    return [
        visibility.shown(session, categories)
        for session in case.counselling_sessions.select_related("counsellor")
    ]


def case_timeline(case: Case, categories: set[str]) -> list:
    """The timeline lines the reader may see, as they may see them: none about counselling,
    health facts or an organisation the case went to for a health service without health
    facts; none about phases or visits without case facts; none written after the moment a
    reader reads the case as of (cases.visibility.Reading)."""
    from referrals.selectors import health_referral_organisation_ids

    health_organisations = (
        health_referral_organisation_ids(case) if HEALTH not in categories else ()
    )
    shown_categories = {visibility.BOOKKEEPING, *categories}
    events = visibility.written_by(case.events.select_related("actor", "organisation"), categories)
    return [
        visibility.shown(event, categories)
        for event in events
        if visibility.event_category(event, health_organisations) in shown_categories
    ]


NO_CONTACT_DAYS = 30


def sensitive_facts_history(case: Case) -> QuerySet[CaseEvent]:
    """When the health and legal facts changed and who changed them; never what they held."""
    events = case.events.filter(message="case.sensitive_facts_changed")
    return events.select_related("actor").order_by("-occurred_at", "-pk")


class LatestDate(Greatest):
    """The later of two dates, a missing one ignored. PostgreSQL's GREATEST ignores NULL;
    SQLite's MAX does not, so there each side is coalesced with the other first."""

    def as_sqlite(self, compiler, connection, **extra_context):
        first, second = self.get_source_expressions()
        both = Greatest(Coalesce(first, second), Coalesce(second, first))
        return compiler.compile(both)


def last_contact_expression() -> LatestDate:
    """A case's last contact computed from its rows: the later of its latest counselling
    session and its latest visit that took place. Stored in `Case.last_contact_on` by
    `case_last_contact_refresh`, the one writer."""
    visit = apps.get_model("followup", "FollowUpVisit")
    last_visit = visit.objects.filter(case=OuterRef("pk"), status="done").order_by("-visited_on")
    last_session = CounsellingSession.objects.filter(case=OuterRef("pk")).order_by("-session_date")
    return LatestDate(
        Subquery(last_session.values("session_date")[:1]),
        Subquery(last_visit.values("visited_on")[:1]),
    )


def _with_contact_dates(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Next planned follow-up visit; the last contact is stored on the case."""
    visit = apps.get_model("followup", "FollowUpVisit")
    next_visit = visit.objects.filter(case=OuterRef("pk"), status="planned").order_by(
        "scheduled_for"
    )
    return queryset.annotate(next_visit_on=Subquery(next_visit.values("scheduled_for")[:1]))


def _revealed(user: User) -> dict:
    """Per row of a case list, whether the reader sees each category of the case, and the
    snapshot it reads the case as where it reads it as of a transfer's acceptance: the
    columns `shown_caseload_row` reads. A case kept after a transfer shows its identity and
    case facts as they were, though search, filters and sorting never use them."""
    from transfers.selectors import SENDER_KEEPS, sender_grants, sender_snapshot_of

    reveals = case_reveals(user)
    columns = {}
    membership = active_membership(user)
    if membership is not None:
        organisation = membership.organisation
        kept = Q(pk__any_of=sender_grants(organisation).values("case_id"))
        for category in SENDER_KEEPS:
            reveals[category] = reveals[category] | kept
        # Read as it was handed over where `sender_snapshot_of` finds it so (unless a
        # referral shares it live); looked up only for the cases kept.
        columns["read_snapshot"] = When_(
            When(kept, then=sender_snapshot_of(organisation)),
            default=Value(None),
            output_field=EncryptedTextField(),
        )
    return columns | _shows_columns(reveals)


def _shows_columns(reveals: Reveals) -> dict:
    """A case list's `shows_*` columns: per row, whether the reader sees each category a list
    shows (`LISTED`), from where the query reveals it."""
    return {
        f"shows_{category}": ExpressionWrapper(reveals[category], output_field=BooleanField())
        for category in LISTED
    }


def shown_caseload_row(case: Case) -> visibility.Shown:
    """A caseload row as its reader may see it, from the `shows_*` columns of the query (and
    the snapshot of a case read as it was handed over)."""
    from transfers.selectors import reading_from

    seen = {c for c in LISTED if getattr(case, f"shows_{c}", False)}
    snapshot = getattr(case, "read_snapshot", None)
    if snapshot:
        seen = reading_from(seen, snapshot, as_of=None)
    return visibility.shown(case, seen)


# The risk levels in caseload order, read by the sort key and by the caseload's pieces;
# `risk_level_known` holds every case to one of them.
RISK_ORDER = (RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW)


def _caseload_ordering(user: User, facts: Q | None, prefix: str = "") -> dict:
    """Their own cases first, then high risk, then medium, then the rest, newest intake
    first. Risk and intake date are case facts: where `facts` (the cases revealing them) does
    not hold, a case sorts as if neither were known. The case's worker, risk and intake date
    are read from the columns of those names under `prefix`: a referral's copies of them
    (`case_`), or the case of another row (`case__`)."""

    def known(condition: Q) -> Q:
        return condition if facts is None else condition & facts

    intake = F(f"{prefix}intake_date")
    return {
        "mine": When_(
            When(Q(**{f"{prefix}assigned_worker_id": user.pk}), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "risk_order": When_(
            *(
                When(known(Q(**{f"{prefix}risk_level": level})), then=Value(rank))
                for rank, level in enumerate(RISK_ORDER[:-1])
            ),
            default=Value(len(RISK_ORDER) - 1),
            output_field=IntegerField(),
        ),
        "intake_order": (
            intake
            if facts is None
            else When_(When(facts, then=intake), default=Value(UNKNOWN_DATE))
        ),
    }


UNKNOWN_DATE = dt.date(1900, 1, 1)
CASELOAD_ORDER = ("mine", "risk_order", "-intake_order", "-id")


def caseload_order(user: User) -> QuerySet[Case]:
    """The cases the user may see in caseload order (their own first, then high risk, then
    the newest), with the columns of the caseload (the export)."""
    ordering = _caseload_ordering(user, case_reveals(user)[CASE_FACTS])
    return case_list_visible_to(user).annotate(**ordering).order_by(*CASELOAD_ORDER)


@dataclass(frozen=True)
class CaseloadPart:
    """A disjoint part of the caseload: its `rows`, and the same rows as `pieces`, each in
    caseload order and readable in the order of an index, or None where the part is read
    whole once (the shared cases), then counted and sorted as read."""

    rows: QuerySet
    pieces: list[QuerySet] | None = None


def caseload_ids(
    user: User,
    narrow: Callable[[QuerySet, Reveals], QuerySet] | None,
    grants: Grants | None = None,
) -> list[CaseloadPart]:
    """Rows of (id, sort keys, grant) of the cases the user may see, narrowed by `narrow` (the
    caseload filters, told where each category is revealed; None for none), without joins,
    as the disjoint parts `CaseloadIds` merges in caseload order: a page is picked from
    these, then `caseload_rows` fetches those cases whole. Each part is narrowed on its own
    index. `grants` are the `shared_grants` of the user, if the caller has them already;
    only a narrowed caseload reads them.

    Not narrowed, the shared cases' rows are read from their grants alone, never from the
    cases (`_shared_caseload_parts`)."""
    if narrow is None:
        grants = None
    elif grants is None:
        grants = shared_grants(user)
    parts = []
    for part, reveals, own in _caseload_parts(user, grants):
        if narrow is not None:
            part = narrow(part, reveals)
        rows = (
            part.annotate(**_caseload_ordering(user, reveals[CASE_FACTS]))
            .annotate(grant=Cast(None, IntegerField()))
            .values_list("id", "mine", "risk_order", "intake_order", "grant")
            .order_by()
        )
        parts.append(CaseloadPart(rows, _in_index_order(rows, user) if own else None))
    if narrow is None:
        parts += _shared_caseload_parts(user)
    return parts


def _shared_caseload_parts(user: User) -> list[CaseloadPart]:
    """The rows of `caseload_ids` of the cases other organisations share with the user's
    and that are not among the user's own, read from the grants alone (thousands of cases
    for a large organisation, whose pages need two dozen): the referrals holding access, one
    row per case from their copies of its organisation, worker and sort keys
    (referrals.triggers), the case facts revealed where one of them shares them; and the
    cases kept after a transfer that no referral shares (`sender_readings`), which reveal
    nothing (`_revealed_by`). Each is read whole, then counted and sorted.

    Each row's `grant` tells what is read of its case (`page_grants`): the categories its
    referrals share, OR-ed as `categories_read_by` does, one bit each in the order of
    CATEGORY_FLAGS; -1 for a case read as it was handed over."""
    from referrals.selectors import CATEGORY_FLAGS, referrals_sharing_with
    from transfers.selectors import read_as_handed_over, sender_grants

    rule = _visibility(user)
    if rule is None:
        return []
    referred = referrals_sharing_with(rule.organisation).order_by()
    # `sender_readings`, with the referrals built once.
    kept = read_as_handed_over(sender_grants(rule.organisation), referred).order_by()
    if rule.own is not None:
        referred, kept = referred.exclude(rule.own_as("case_")), kept.exclude(rule.own_as("case__"))
    # One row per case, grouped by its id alone: a case's copies are the same on each of
    # its referrals; it reveals a category where one of them shares it.
    bits = {
        name: Max(When_(When(**{flag: True}, then=Value(1 << bit)), default=Value(0)))
        for bit, (name, flag) in enumerate(CATEGORY_FLAGS.items())
    }
    referred = referred.values("case_id").annotate(
        **{f"held_{key}": Max(f"case_{key}") for key in SORTED_BY},
        reads_case_facts=bits[CASE_FACTS],
        grant=sum(bits.values(), Value(0)),
    )
    kept = kept.annotate(grant=Value(KEPT, output_field=IntegerField()))
    rows = []
    for part, facts, prefix in (
        (referred, ~Q(reads_case_facts=0), "held_"),
        (kept, NOTHING, "case__"),
    ):
        ordering = _caseload_ordering(user, facts, prefix)
        rows.append(part.annotate(**ordering).values_list("case_id", *ordering, "grant"))
    return [CaseloadPart(part) for part in rows]


# The columns of a case the caseload sorts by, of which a referral holds copies.
SORTED_BY = ("assigned_worker_id", "risk_level", "intake_date")
# A row of `_shared_caseload_parts` whose case is read as it was handed over.
KEPT = -1


def page_grants(user: User, rows: list[tuple]) -> Grants:
    """What is read of the shared cases among rows of `caseload_ids` not narrowed, from
    each row's `grant`: the categories its referrals share; a case read as it was handed
    over, as `shared_grants` reads it (a few rows, if any). The own cases' rows have none."""
    from referrals.selectors import CATEGORY_FLAGS

    readings, kept = {}, []
    for row in rows:
        pk, grant = row[0], row[-1]
        if grant == KEPT:
            kept.append(pk)
        elif grant is not None:
            readings[pk] = frozenset(
                name for bit, name in enumerate(CATEGORY_FLAGS) if grant & (1 << bit)
            )
    if kept:
        readings.update(shared_grants(user, kept))
    return Grants(readings)


def _in_index_order(rows: QuerySet, user: User) -> list[QuerySet]:
    """The organisation's own cases as pieces in caseload order: the user's own (a few
    dozen, sorted), then the others of each risk level, newest intake first, as the index
    `caseload_by_risk` holds them. A page of a 100,000-case organisation reads 25 rows of
    each instead of sorting them all."""
    others = rows.exclude(assigned_worker_id=user.pk)
    return [
        rows.filter(assigned_worker_id=user.pk).order_by(*CASELOAD_ORDER),
        *(others.filter(risk_level=level).order_by("-intake_date", "-id") for level in RISK_ORDER),
    ]


class CaseloadIds:
    """`caseload_ids` for a Paginator, each page read with its total in one query: the
    first rows of each piece merged in caseload order, with the count of every part. A page
    other than the one asked for (past the last, where the paginator falls back) is read
    again."""

    # `CASELOAD_ORDER` by the columns' places (id, mine, risk order, intake order; the
    # grant follows): a part read from referrals or transfers names its case's id `case_id`.
    ORDER = "2, 3, 4 DESC, 1 DESC"

    def __init__(self, parts: list[CaseloadPart], page_number, per_page: int):
        self.parts = parts
        self.per_page = per_page
        try:
            number = max(int(page_number or 1), 1)
        except (TypeError, ValueError):
            number = 1
        self.total, self.rows = self._read((number - 1) * per_page)
        self.offset = (number - 1) * per_page

    def _read(self, offset: int) -> tuple[int | None, list[tuple]]:
        """The rows `offset` to `offset + per_page` of the parts, in caseload order, with
        their count (None where there are no rows)."""
        limit = self.per_page
        first = offset + limit
        whole, counts, pieces = [], [], []
        params = {"whole": [], "counts": [], "pieces": []}
        for number, part in enumerate(self.parts):
            try:
                sql, more = part.rows.query.sql_with_params()
            except EmptyResultSet:
                continue
            name = f"part{number}"
            if part.pieces is None:  # read once, then counted and sorted
                whole.append(f"{name} AS ({sql})")
                params["whole"] += more
                counts.append(f"(SELECT COUNT(*) FROM {name})")  # noqa: S608
                pieces.append(
                    f"SELECT * FROM (SELECT * FROM {name} "  # noqa: S608
                    f"ORDER BY {self.ORDER} LIMIT {first}) AS {name}_first"
                )
                continue
            counts.append(f"(SELECT COUNT(*) FROM ({sql}) AS {name})")  # noqa: S608
            params["counts"] += more
            for index, piece in enumerate(part.pieces):
                try:
                    sql, more = piece[:first].query.sql_with_params()
                except EmptyResultSet:
                    continue
                pieces.append(f"SELECT * FROM ({sql}) AS {name}_{index}")  # noqa: S608
                params["pieces"] += more
        if not pieces:
            return 0, []
        # Every part is Django's own SQL with its parameters; only names and numbers are added.
        select = f"SELECT caseload.*, {' + '.join(counts)} FROM ({' UNION ALL '.join(pieces)})"  # noqa: S608
        wrapped = (
            (f"WITH {', '.join(whole)} " if whole else "")
            + select
            + f" AS caseload ORDER BY {self.ORDER} LIMIT {int(limit)} OFFSET {int(offset)}"
        )
        with connections[Case.objects.db].cursor() as cursor:
            cursor.execute(wrapped, params["whole"] + params["counts"] + params["pieces"])
            rows = cursor.fetchall()
        if not rows:
            return None, []
        return rows[0][-1], [row[:-1] for row in rows]

    def count(self) -> int:
        if self.total is None:  # past the last page: the count alone
            self.total = sum(part.rows.count() for part in self.parts)
        return self.total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[tuple]:
        if window.start != self.offset:
            self.offset = window.start
            _total, self.rows = self._read(window.start)
        return self.rows[: window.stop - window.start]


def caseload_rows(
    user: User, ids: list[int], grants: Grants | None = None
) -> list[visibility.Shown]:
    """The given cases with everything the caseload shows, in the order of `ids`, each as
    its reader may see it: what the user may see of them, with the shared ones read from
    `grants` (`shared_grants`), read for these cases alone if not given."""
    grants = shared_grants(user, ids) if grants is None else grants
    rule = _visibility(user)
    if rule is None:
        return []
    own = rule.own

    def shared(category: str | None = None) -> Q:
        return Q(
            pk__in=[pk for pk in ids if pk in grants and (category in grants[pk] or not category)]
        )

    def visible(condition: Q) -> Q:
        return condition if own is None else own | condition

    revealed = {category: visible(shared(category)) for category in LISTED}
    queryset = Case.objects.filter(visible(shared()), pk__in=ids)
    queryset = _with_contact_dates(
        queryset.select_related("organisation", "assigned_worker", "origin_province")
    ).annotate(**_shows_columns(revealed))
    by_id = {case.pk: case for case in queryset}

    organisation_id = active_membership(user).organisation_id

    def row(case: Case) -> visibility.Shown:
        grant = grants.get(case.pk)
        if visibility.read_as_of(grant) is None or case.organisation_id == organisation_id:
            return shown_caseload_row(case)
        # Kept after a transfer: shown as it was handed over, what a list shows of it.
        return visibility.shown(
            case,
            visibility.Reading(
                grant.intersection(LISTED), as_of=grant.as_of, snapshot=grant.snapshot
            ),
        )

    return [row(by_id[pk]) for pk in ids if pk in by_id]


def caseload_for(user: User) -> QuerySet[Case]:
    """The caseload with its columns in one query (exports; the page uses the two steps).
    Rows carry `shows_*` columns: read them through `shown_caseload_row`."""
    queryset = caseload_order(user).select_related(
        "organisation", "assigned_worker", "origin_province"
    )
    return _with_contact_dates(queryset).annotate(**_revealed(user))


TEAM_PAGE_COLUMNS = (
    "case_number",
    "organisation_id",
    "phase",
    "intake_date",
    "last_contact_on",
    "assigned_worker__first_name",
    "assigned_worker__last_name",
    "assigned_worker__username",
)


def cases_without_recent_contact(user: User, *, days: int = NO_CONTACT_DAYS) -> QuerySet[Case]:
    """Open cases of the user's own organisation nobody has seen for `days`: no session or
    visit, or none since intake. Cases shared by others are not the team's to follow, and
    their phase and contacts are case facts the receiver may not see."""
    membership = active_membership(user)
    if membership is None:
        return Case.objects.none()
    since = timezone.localdate() - dt.timedelta(days=days)
    # The columns the Team page shows, and no more: a hundred rows of whole cases cost
    # more to build than to read.
    queryset = (
        own_cases_visible_to(user)
        .filter(organisation_id=membership.organisation_id)
        .exclude(phase=Phase.CLOSED)
        .select_related("assigned_worker")
        .only(*TEAM_PAGE_COLUMNS)
    )
    # Last contact before `since`, or none and taken in before it, oldest contact first (the
    # never seen last): read in the order of the `team_no_contact` index, which stops at the
    # page's end instead of sorting every open case.
    queryset = queryset.alias(quiet_since=Coalesce("last_contact_on", "intake_date"))
    return queryset.filter(quiet_since__lt=since).order_by(
        F("last_contact_on").asc(nulls_last=True), "intake_date"
    )


def workers_who_left(organisation: Organisation) -> list[int]:
    """The ids of the people the organisation's open cases are assigned to who are no longer
    in its team (`assignable_workers`): moved to another organisation, switched off, or given
    a role that carries no cases. Usually none.

    Found between the team's ids: for each gap between two consecutive members, a loose
    scan of the `open_cases_by_worker` index over the ids in it (the next id above the last,
    one probe each), which the team's members never enter. It costs one probe for each gap
    and one for each person found, never more than scanning everyone who carries a case and
    asking each whether they are still in the team, which cost 16 ms of the Team page of the
    100,000-case organisation at 1,000,000 cases (2,250 people probed, then each looked up).
    A team whose members' ids follow one another has one or two gaps."""
    team = assignable_workers(organisation).order_by().values("pk")
    team_sql, params = team.query.get_compiler(team.db).as_sql()
    with connections[team.db].cursor() as cursor:
        cursor.execute(
            _WHO_LEFT.format(team=team_sql),
            [_ABOVE_EVERY_ID, *params, organisation.pk, Phase.CLOSED],
        )
        return [row[0] for row in cursor.fetchall()]


_ABOVE_EVERY_ID = 2**63 - 1
# PostgreSQL and SQLite alike; a recursive query because neither skips through an index.
# `gaps`: each member's id (and 0 before the first) with the next member's (or a bound above
# every id), where at least one id lies between; `scan`: from each gap's start, the next id
# above the last that carries an open case, until none is left below the gap's end (`found`
# tells the ids found from the gaps' starts).
_WHO_LEFT = """WITH RECURSIVE gaps(after, before) AS (
    SELECT * FROM (
        SELECT id, LEAD(id, 1, %s) OVER (ORDER BY id) AS before
        FROM (SELECT 0 AS id UNION ALL SELECT * FROM ({team}) AS team) AS bounds
    ) AS pairs WHERE before > id + 1
), scan(last, before, found) AS (
    SELECT after, before, 0 FROM gaps
    UNION ALL
    SELECT (
        SELECT MIN(assigned_worker_id) FROM cases_case
        WHERE organisation_id = %s AND phase <> %s
        AND assigned_worker_id > scan.last AND assigned_worker_id < scan.before
    ), before, 1 FROM scan WHERE scan.last IS NOT NULL
) SELECT last FROM scan WHERE found = 1 AND last IS NOT NULL"""


def workers_of(organisation: Organisation) -> QuerySet[User]:
    """Who may be assigned a case: the organisation's active workers and supervisors."""
    return assignable_workers(organisation).order_by("first_name", "username")


def worker_choices(organisation: Organisation) -> list[tuple[int, str]]:
    """`workers_of` as the options of a select, (id, name): hundreds of people in a large
    organisation, on every case page its supervisors open, read as values, not as users."""
    people = workers_of(organisation).values_list("pk", "first_name", "last_name", "username")
    return [(pk, display_name(*names)) for pk, *names in people]


def as_choices(workers) -> list[tuple[int, str]]:
    """People already read, as `worker_choices` gives them."""
    return [(worker.pk, worker.display_name) for worker in workers]


def team_of(organisation: Organisation) -> QuerySet[User]:
    """The organisation's workers with their open caseload, each counted from the
    `open_cases_by_worker` index alone rather than by reading every case of the team."""
    open_cases = (
        Case.objects.filter(organisation=organisation, assigned_worker=OuterRef("pk"))
        .exclude(phase=Phase.CLOSED)
        .order_by()
        .values("assigned_worker")
        .annotate(n=Count("*"))
        .values("n")
    )
    return workers_of(organisation).annotate(
        open_cases=Coalesce(Subquery(open_cases), Value(0), output_field=IntegerField())
    )
