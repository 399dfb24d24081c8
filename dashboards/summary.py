"""Dashboards from summary tables, exact at every read (PostgreSQL).

What was chosen, and why. Every counted row (a case, a form of exploitation, a referral, a
follow-up visit, a decision on a plan or closure, a service delivered, a family assessment, a
cross-border return) belongs to one case, and every dashboard filter is either the month of the
indicator's own date or a fact of that case (province, organisation, sex, minor at intake, forms
of exploitation). `SummaryRow` holds, per indicator, the rows counted and the sum of their record
keys for each combination of those values and of what the indicator groups by (a status, a
kind, days to answer for the median...): a dashboard reads a few thousand pre-joined rows
instead of joining millions.

The summary is partitioned by the case's (organisation, province of origin). Triggers in the
database (installed by the migration) append a `DirtyPartition` mark for each partition a
writing statement touched, inside the writer's transaction: a mark is never updated, so writers
never wait on each other or on the summary, and no write path (service, admin, bulk import,
retention purge) can forget it. A dashboard counts clean partitions from the summary and dirty
ones from the live tables with the same queries as before (`selectors.py` semantics), so the
numbers are those of a direct count, as long as the dirty partitions in view are small enough
to count live (LIVE_CASES); a bigger one is read as last refreshed, and the page says since
when changes wait (`changes_waiting_since`). `summary_refresh` (beat,
every 30 s) recomputes the dirty partitions and deletes the marks it saw; a mark added while it
runs stays for the next run. Summing rows into shared summary cells in each writer's
transaction was the alternative: every visit recorded in a province would then lock the same
national cells until commit, and every write path would have to remember to do it.

Periods are whole months for every dashboard (forms.py); a view asked for another period, a
database other than PostgreSQL, or a summary never built or built under another cell key
secret: the direct selectors answer, with the same numbers.
"""

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager

from django.db import connection, connections, router, transaction
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models import Case as Choose
from django.db.models.functions import Cast, Coalesce, Trunc
from django.utils import timezone

from cases import lookups
from cases.countries import CAMBODIA
from cases.models import Case, CaseExploitation, ExploitationForm, Phase
from followup.models import RATING_FIELDS, FollowUpVisit, VisitStatus
from plans.models import Approval, ApprovalStatus, FamilyAssessment, ServiceDelivery
from referrals.models import Referral
from returns.models import CrossBorderReturn

from . import selectors
from .disclosure import Tally, _secret_ints, record_key, tally_add
from .forms import MINOR, DashboardFilters, month_end, month_start
from .models import DirtyPartition, SummaryPartition, SummaryRow, SummaryState
from .scope import ORGANISATION, PROVINCE, DashboardScope

TABLE = SummaryRow._meta.db_table
# Which filter values a summary row keeps: a bit each (see SummaryRow).
DIMENSIONS = (
    ("province_id", 1),
    ("organisation_id", 2),
    ("sex", 4),
    ("minor", 8),
    ("forms", 16),
)
FULL = 31
# The order of the summary's index (SummaryRow) and of the rows as each cuboid is written: a
# view's cells (a cuboid, a province or an organisation, a sex...) lie side by side on disk.
CELL_ORDER = ", ".join(column for column, _bit in DIMENSIONS)
FACT_ORDER = "s_province, s_organisation, s_sex, s_minor, s_forms"  # the same, as counted
# The sums kept besides FULL, smallest first: a view reads the first one that keeps every
# value it filters on (national: 0; by sex, age or both: 4, 8, 12; a province: 1; an
# organisation: 2; with a form of exploitation, or sex or age within a province or an
# organisation: 28, 29 or 30; a province and an organisation together: FULL).
ROLLUPS = (0, 4, 8, 1, 12, 2, 28, 29, 30)

# How much a read counts from the live tables: the dirty partitions in view, smallest first,
# while their cases (as last summarised) add up to at most LIVE_CASES and they number at most
# LIVE_PARTITIONS. Counting live costs about 0.25 ms a case (its visits, sessions, referrals);
# a partition beyond the budget (a big organisation's province just written to, a bulk import)
# is read from the summary as last refreshed, and the page says since when changes wait for
# the next refresh (every 30 s on beat).
LIVE_CASES = 300
LIVE_PARTITIONS = 50
# Above this many dirty partitions in view (a bulk import), none is counted live.
MAX_DIRTY_PARTITIONS = 500

FORM_BITS = {form: 1 << i for i, form in enumerate(ExploitationForm.values)}
GROUPS = ("s_g1", "s_g2", "s_g3", "s_value")
# What a view adds a cuboid's rows up by: a few thousand cells out of a hundred thousand rows
# at 1,000,000 cases (one province's men). PostgreSQL knows how many such cells there are
# from the statistics dashboards/migrations/0006 keeps on these columns together: without
# them it took the cells for as many as the rows and sorted them on disk instead of hashing
# them in memory (a test holds the two to the same columns).
CELL_GROUPS = ("indicator", "g1", "g2", "g3", "value")


def _text(expression) -> Cast:
    return Cast(expression, TextField())


def _month(field: str) -> Trunc:
    """The first day of the month of a date or (in local time) of a moment."""
    return Trunc(field, "month", output_field=DateField())


def _days_between(later: str, earlier: str) -> Func:
    return Func(
        F(later), F(earlier), template="(%(expressions)s)", arg_joiner=" - ",
        output_field=IntegerField(),
    )  # fmt: skip


class Fact:
    """One indicator's counted rows: the model, the way to its case, the date its period
    applies to, a condition, what it groups by (as text, and an integer `value`) and whose
    record key it carries."""

    def __init__(self, indicator, model, date, groups, *, where=None, key="id", moment=False):
        self.indicator = indicator
        self.model = model
        self.case = "" if model is Case else "case__"
        self.date = date
        self.groups = groups
        self.where = where or Q()
        self.key = key if model is not CaseExploitation else "case_id"
        self.moment = moment  # the date is a DateTimeField (periods by local days)

    def expressions(self) -> dict:
        # A typed NULL: an untyped one would be text to PostgreSQL.
        expressions = {name: Cast(Value(None), TextField()) for name in GROUPS[:3]}
        expressions["s_value"] = Cast(Value(None), IntegerField())
        for name, expression in self.groups().items():
            if name == "s_value":
                expressions[name] = Cast(expression, IntegerField())
            else:
                expressions[name] = _text(expression)
        return expressions

    def base(self):
        return self.model.objects.filter(self.where).order_by()

    def period_q(self, filters: DashboardFilters) -> Q:
        return filters.datetime_q(self.date) if self.moment else filters.date_q(self.date)

    def dimensions(self) -> dict:
        c = self.case
        forms = Choose(
            *[When(form=form, then=Value(bit)) for form, bit in FORM_BITS.items()],
            default=Value(0),
            output_field=IntegerField(),
        )
        case_forms = (
            CaseExploitation.objects.filter(case_id=OuterRef("pk" if not c else "case_id"))
            .order_by()
            .values("case_id")
            .annotate(mask=Sum(forms))
            .values("mask")
        )
        return {
            "s_month": _month(self.date),
            "s_province": F(f"{c}origin_province_id"),
            "s_organisation": F(f"{c}organisation_id"),
            "s_sex": F(f"{c}sex"),
            "s_minor": F(f"{c}minor_at_intake"),
            "s_forms": Coalesce(Subquery(case_forms, output_field=IntegerField()), Value(0)),
        }


def _wellbeing(name: str) -> Fact:
    return Fact(
        f"wb:{name}"[:16],
        FollowUpVisit,
        "visited_on",
        lambda: {"s_value": F(name)},
        where=Q(status=VisitStatus.DONE, **{f"{name}__isnull": False}),
    )


def _income_band():
    low, high = selectors.INCOME_BANDS
    return Choose(
        When(monthly_income_riel__isnull=True, then=Value(selectors.NO_INCOME_RECORDED)),
        When(monthly_income_riel__lt=low, then=Value(selectors.INCOME_LOW)),
        When(monthly_income_riel__lt=high, then=Value(selectors.INCOME_MIDDLE)),
        default=Value(selectors.INCOME_HIGH),
    )


def _risk():
    return Choose(
        When(retrafficking_risk=True, then=Value("flagged")),
        When(risk_signs="", then=Value("none")),
        default=Value("signs_noted"),
    )


def _on_time():
    days = dt.timedelta(days=selectors.ON_TIME_DAYS)
    return Choose(
        When(visited_on__lte=F("scheduled_for") + days, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


DONE = Q(status=VisitStatus.DONE)
FOREIGN = ~Q(nationality=CAMBODIA)
FACTS = [
    Fact("province", Case, "intake_date", lambda: {"s_g1": F("origin_province_id")}),
    Fact("organisation", Case, "intake_date", lambda: {"s_g1": F("organisation_id")}),
    Fact("phase", Case, "intake_date", lambda: {"s_g1": F("phase")}),
    Fact("sex_age", Case, "intake_date", lambda: {"s_g1": F("sex"), "s_g2": F("minor_at_intake")}),
    Fact("movement", Case, "intake_date", lambda: {"s_g1": F("movement")}),
    Fact("foreign", Case, "intake_date", lambda: {"s_g1": F("nationality")}, where=FOREIGN),
    Fact("new_cases", Case, "intake_date", lambda: {"s_g1": _month("intake_date")}),
    Fact(
        "closed",
        Case,
        "closed_on",
        lambda: {"s_g1": F("closure_reason")},
        where=Q(phase=Phase.CLOSED),
    ),
    Fact(
        "exploitation",
        CaseExploitation,
        "case__intake_date",
        lambda: {"s_g1": F("form"), "s_g2": F("case__movement")},
    ),
    Fact(
        "foreign_expl",
        CaseExploitation,
        "case__intake_date",
        lambda: {"s_g1": F("case__nationality"), "s_g2": F("form")},
        where=~Q(case__nationality=CAMBODIA),
    ),
    Fact(
        "referrals",
        Referral,
        "sent_at",
        lambda: {
            "s_g1": F("from_organisation__kind"),
            "s_g2": F("to_organisation__kind"),
            "s_g3": F("status"),
            "s_value": F("answer_days"),
        },
        moment=True,
    ),
    Fact(
        "due",
        FollowUpVisit,
        "scheduled_for",
        lambda: {"s_g1": F("status"), "s_g2": _on_time()},
        where=Q(status__in=(VisitStatus.DONE, VisitStatus.MISSED, VisitStatus.PLANNED)),
    ),
    *[_wellbeing(name) for name in RATING_FIELDS],
    Fact(
        "livelihood",
        FollowUpVisit,
        "visited_on",
        lambda: {"s_g1": F("school_or_work"), "s_g2": _income_band()},
        where=DONE,
    ),
    Fact("risk", FollowUpVisit, "visited_on", lambda: {"s_g1": _risk()}, where=DONE),
    Fact(
        "after_return",
        FollowUpVisit,
        "visited_on",
        lambda: {
            "s_g1": F("plan_month"),
            "s_g2": F("school_or_work"),
            "s_value": F("monthly_income_riel"),
        },
        where=DONE & Q(plan_month__in=selectors.LIVELIHOOD_MONTHS),
    ),
    Fact(
        "decisions",
        Approval,
        "decided_at",
        lambda: {"s_g1": F("kind"), "s_g2": F("status")},
        where=Q(status__in=(ApprovalStatus.APPROVED, ApprovalStatus.RETURNED)),
        moment=True,
    ),
    Fact(
        "services",
        ServiceDelivery,
        "delivered_on",
        lambda: {"s_g1": F("action__goal__domain"), "s_g2": F("action__provider_kind")},
    ),
    Fact(
        "recommendations",
        FamilyAssessment,
        "visited_on",
        lambda: {"s_g1": F("recommendation"), "s_g2": F("alternative_option")},
    ),
    Fact(
        "returns",
        CrossBorderReturn,
        "travelled_on",
        lambda: {
            "s_g1": F("direction"),
            "s_g2": F("country"),
            "s_g3": _month("travelled_on"),
            "s_value": _days_between("travelled_on", "identified_on"),
        },
        where=Q(travelled_on__isnull=False),
    ),
]


# --- building ----------------------------------------------------------------------------------


def fingerprint() -> str:
    """Which record keys the summary's key sums were made with."""
    return hashlib.sha256(repr(_secret_ints()).encode()).hexdigest()


def _partitions_q(partitions, prefix: str = "") -> Q:
    q = Q(pk__in=[])
    for organisation_id, province_id in partitions:
        q |= Q(
            **{
                f"{prefix}organisation_id": organisation_id,
                f"{prefix}origin_province_id": province_id,
            }
        )
    return q


def _insert_sql(fact: Fact, partitions=None) -> tuple[str, list]:
    queryset = fact.base()
    if partitions is not None:
        queryset = queryset.filter(_partitions_q(partitions, fact.case))
    rows = queryset.annotate(
        **fact.dimensions(), **fact.expressions(), s_key=record_key(fact.key)
    ).values(*fact.dimensions(), *GROUPS, "s_key")
    inner, params = rows.query.sql_with_params()
    columns = "s_month, s_province, s_organisation, s_sex, s_minor, s_forms, " + ", ".join(GROUPS)
    sql = (
        f"INSERT INTO {TABLE} (cuboid, indicator, month, province_id, "  # noqa: S608
        "organisation_id, sex, minor, forms, g1, g2, g3, value, n, k) "
        f"SELECT {FULL}, %s, {columns}, COUNT(*), SUM(s_key) FROM ({inner}) AS fact "
        f"GROUP BY {columns} ORDER BY {FACT_ORDER}"
    )
    return sql, [fact.indicator, *params]


def _rollup_sql(
    cuboid: int, partitions=None, sign: int = 1, source: int = FULL
) -> tuple[str, list]:
    """Sum the rows of cuboid `source` (FULL, of some partitions only) into `cuboid`, times
    `sign`."""
    kept = ", ".join(column if cuboid & bit else "NULL" for column, bit in DIMENSIONS)
    grouped = "".join(f", {column}" for column, bit in DIMENSIONS if cuboid & bit)
    where, params = f"cuboid = {source}", []
    if partitions is not None:
        # Plain equalities (IS NOT DISTINCT FROM cannot use the index).
        where += (
            " AND ("
            + " OR ".join(
                "(province_id IS NULL AND organisation_id = %s)"
                if province_id is None
                else "(province_id = %s AND organisation_id = %s)"
                for _organisation_id, province_id in partitions
            )
            + ")"
        )
        params = [
            value
            for organisation_id, province_id in partitions
            for value in (
                (organisation_id,) if province_id is None else (province_id, organisation_id)
            )
        ]
    order = ", ".join(column for column, bit in DIMENSIONS if cuboid & bit)
    sql = (
        f"INSERT INTO {TABLE} (cuboid, indicator, month, province_id, organisation_id, sex, "  # noqa: S608
        "minor, forms, g1, g2, g3, value, n, k) "
        f"SELECT {cuboid}, indicator, month, {kept}, g1, g2, g3, value, "
        f"{sign} * SUM(n), {sign} * SUM(k) FROM {TABLE} WHERE {where} "
        f"GROUP BY indicator, month, g1, g2, g3, value{grouped}"
        + (f" ORDER BY {order}" if order else "")
    )
    return sql, params


def _rollup_sources() -> list[tuple[int, int]]:
    """(cuboid, source) for a rebuild: each sum is added up from the smallest sum already
    made that keeps every value it keeps, not from the FULL rows again (at a million cases,
    30 million FULL rows against a few hundred thousand in 28, 29 or 30)."""
    made, order = [FULL], []
    for cuboid in sorted(ROLLUPS, key=lambda c: -c.bit_count()):
        source = min((m for m in made if m & cuboid == cuboid), key=int.bit_count)
        order.append((cuboid, source))
        made.append(cuboid)
    return order


def _sizes_sql(partitions=None) -> tuple[str, list]:
    """Insert each partition's (of some only) number of cases into SummaryPartition."""
    cases = Case.objects.all()
    if partitions is not None:
        cases = cases.filter(_partitions_q(partitions))
    inner, params = (
        cases.values("organisation_id", "origin_province_id")
        .annotate(n=Count("pk"))
        .values_list("organisation_id", "origin_province_id", "n")
        .order_by()
        .query.sql_with_params()
    )
    table = SummaryPartition._meta.db_table
    return f"INSERT INTO {table} (organisation_id, province_id, cases) {inner}", params  # noqa: S608


def _plain_partitions_q(partitions) -> Q:
    q = Q(pk__in=[])
    for organisation_id, province_id in partitions:
        q |= Q(organisation_id=organisation_id, province_id=province_id)
    return q


def _lock_state() -> SummaryState | None:
    return SummaryState.objects.select_for_update().order_by("pk").first()


def summary_rebuild() -> int:
    """Recompute every summary row from the live tables (a new database, a changed cell key
    secret, or after seeding). Returns the number of summary rows."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic():
        state = _lock_state() or SummaryState(rebuilt_at=timezone.now())
        seen = list(DirtyPartition.objects.values_list("pk", flat=True))
        with connection.cursor() as cursor:
            # A one-off scan of everything: compiling it to machine code only adds time.
            cursor.execute("SET LOCAL jit = off")
            # Sorting and hashing a million cases' facts in memory, not in temporary files.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute(f"TRUNCATE {TABLE}")
            # The cell index is built once at the end, one sort, not row by row.
            with _cell_index_set_aside(cursor):
                for fact in FACTS:
                    cursor.execute(*_insert_sql(fact))
                for cuboid, source in _rollup_sources():
                    cursor.execute(*_rollup_sql(cuboid, source=source))
            cursor.execute(f"TRUNCATE {SummaryPartition._meta.db_table}")
            cursor.execute(*_sizes_sql())
        _forget(seen)
        state.fingerprint = fingerprint()
        state.rebuilt_at = timezone.now()
        state.save()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")
    return SummaryRow.objects.count()


@contextmanager
def _cell_index_set_aside(cursor):
    """Drop the summary's secondary indexes and create them again from their own
    definitions (inside the rebuild's transaction: a failure leaves them as they were)."""
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = %s::regclass AND NOT indisunique ORDER BY 1",
        [TABLE],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield
    for _name, definition in indexes:
        cursor.execute(definition)


def _forget(ids: list[int]) -> None:
    for start in range(0, len(ids), 10_000):
        DirtyPartition.objects.filter(pk__in=ids[start : start + 10_000]).delete()


def summary_refresh(*, limit: int = 500) -> int:
    """Recompute the partitions marked dirty (at most `limit` of them) and delete the marks
    seen; marks added meanwhile stay for the next run. Runs one at a time (the state row's
    lock). Returns the number of partitions recomputed."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic():
        state = _lock_state()
        if state is None or state.fingerprint != fingerprint():
            return 0
        marks = list(
            DirtyPartition.objects.order_by("pk").values_list(
                "pk", "organisation_id", "province_id"
            )[:10_000]
        )
        partitions = sorted({(o, p) for _pk, o, p in marks}, key=str)[:limit]
        chosen = set(partitions)
        if not partitions:
            return 0
        with connection.cursor() as cursor:
            # The sums lose the partitions' old rows and gain their new ones.
            for cuboid in ROLLUPS:
                cursor.execute(*_rollup_sql(cuboid, partitions, sign=-1))
            SummaryRow.objects.filter(_summary_partitions_q(partitions)).delete()
            for fact in FACTS:
                cursor.execute(*_insert_sql(fact, partitions))
            for cuboid in ROLLUPS:
                cursor.execute(*_rollup_sql(cuboid, partitions))
            SummaryPartition.objects.filter(_plain_partitions_q(partitions)).delete()
            cursor.execute(*_sizes_sql(partitions))
        _forget([pk for pk, o, p in marks if (o, p) in chosen])
    return len(partitions)


def summary_compact() -> int:
    """Sum each cuboid's rows per cell again (a refresh appends the partitions' differences to
    them) and drop empty cells. Returns the number of summary rows."""
    if connection.vendor != "postgresql":
        return 0
    columns = "indicator, month, province_id, organisation_id, sex, minor, forms, g1, g2, g3, value"
    with transaction.atomic():
        if _lock_state() is None:
            return 0
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(
                f"WITH old AS (DELETE FROM {TABLE} WHERE cuboid <> {FULL} "  # noqa: S608
                f"RETURNING cuboid, {columns}, n, k) "
                f"INSERT INTO {TABLE} (cuboid, {columns}, n, k) "
                f"SELECT cuboid, {columns}, SUM(n), SUM(k) FROM old "
                f"GROUP BY cuboid, {columns} HAVING SUM(n) <> 0 ORDER BY cuboid, {CELL_ORDER}"
            )
    return SummaryRow.objects.count()


def _summary_partitions_q(partitions) -> Q:
    return Q(cuboid=FULL) & _plain_partitions_q(partitions)


# --- reading -----------------------------------------------------------------------------------


def summary_usable(filters: DashboardFilters) -> bool:
    if connection.vendor != "postgresql":
        return False
    if filters.date_from and filters.date_from != month_start(filters.date_from):
        return False
    return not (filters.date_to and filters.date_to != month_end(filters.date_to))


def dashboard_data(scope: DashboardScope, filters: DashboardFilters, *, today: dt.date) -> dict:
    """The numbers of `selectors.dashboard_data`, equal to them, from the summary where it is
    current and from the live tables where it is not."""
    # Everything from one database: the replica's, when dashboards read from it (ops/routers.py).
    alias = router.db_for_read(SummaryRow) or "default"
    if not summary_usable(filters) or connections[alias].vendor != "postgresql":
        return selectors.dashboard_data(scope, filters, today=today)
    state = SummaryState.objects.values_list("fingerprint", flat=True).first()
    if state != fingerprint():
        return selectors.dashboard_data(scope, filters, today=today)
    dirty, waiting_since = _dirty_in_view(scope, filters)
    rows: dict[str, dict[tuple, list[int]]] = defaultdict(dict)
    for indicator, *group, n, k in _summary_rows(scope, filters, today, dirty):
        _add(rows[indicator], tuple(group), n, k)
    # The cases of the dirty partitions counted live, now: each indicator reads their rows
    # by case (an index) instead of joining every case to test its partition.
    cases = (
        list(Case.objects.using(alias).filter(_partitions_q(dirty)).values_list("pk", flat=True))
        if dirty
        else []
    )
    for indicator, *group, n, k in _live_rows(scope, filters, today, cases, alias):
        _add(rows[indicator], tuple(group), n, k)
    # A cell whose rows all moved out (a refresh's difference, or a dirty partition's rows
    # taken out and not counted again) sums to nothing: a direct count has no such group.
    rows = defaultdict(
        dict,
        {i: {g: cell for g, cell in cells.items() if cell[0]} for i, cells in rows.items()},
    )
    numbers = numbers_from_rows(rows)
    if waiting_since is not None:
        numbers["changes_waiting_since"] = waiting_since
    return numbers


def _dirty_in_view(scope: DashboardScope, filters: DashboardFilters):
    """The dirty partitions this view counts live, and the earliest change it does not count
    yet (None when it counts every change): see LIVE_CASES."""
    marks = DirtyPartition.objects.values_list("organisation_id", "province_id").annotate(
        since=Min("marked_at")
    )
    organisation = scope.organisation_id if scope.kind == ORGANISATION else None
    province = scope.province_id if scope.kind == PROVINCE else None
    for value, column in (
        (organisation, "organisation_id"),
        (filters.organisation_id, "organisation_id"),
        (province, "province_id"),
        (filters.province_id, "province_id"),
    ):
        if value:
            marks = marks.filter(**{column: value})
    since = {(o, p): when for o, p, when in marks.order_by()}
    if not since or len(since) > MAX_DIRTY_PARTITIONS:
        # None to count, or a bulk write being summarised: read the summary as it stands.
        return [], min(since.values(), default=None)
    sizes = {
        (o, p): n
        for o, p, n in SummaryPartition.objects.filter(
            organisation_id__in={o for o, _p in since}
        ).values_list("organisation_id", "province_id", "cases")
    }
    live, budget, waiting = [], LIVE_CASES, []
    for partition in sorted(since, key=lambda p: (sizes.get(p, 0), str(p))):
        size = sizes.get(partition, 0)
        if size <= budget and len(live) < LIVE_PARTITIONS:
            live.append(partition)
            budget -= size
        else:
            waiting.append(since[partition])
    return sorted(live, key=str), min(waiting, default=None)


def _add(cells: dict, group: tuple, n: int, k: int) -> None:
    cell = cells.setdefault(group, [0, 0])
    cell[0] += n
    cell[1] += int(k or 0)


def _cuboid(scope: DashboardScope, filters: DashboardFilters) -> int:
    needed = 0
    if scope.kind == PROVINCE or filters.province_id:
        needed |= 1
    if scope.kind == ORGANISATION or filters.organisation_id:
        needed |= 2
    if filters.sex:
        needed |= 4
    if filters.age:
        needed |= 8
    if filters.exploitation_form:
        needed |= 16
    return next(c for c in (*ROLLUPS, FULL) if c & needed == needed)


def _summary_rows(scope, filters, today, dirty):
    """The chosen cuboid's rows, less the FULL rows of the dirty partitions (counted live
    instead), in one query."""
    q = Q()
    if scope.kind == PROVINCE:
        q &= Q(province_id=scope.province_id)
    elif scope.kind == ORGANISATION:
        q &= Q(organisation_id=scope.organisation_id)
    if filters.province_id:
        q &= Q(province_id=filters.province_id)
    if filters.organisation_id:
        q &= Q(organisation_id=filters.organisation_id)
    if filters.sex:
        q &= Q(sex=filters.sex)
    if filters.age:
        q &= Q(minor=filters.age == MINOR)
    if filters.exploitation_form:
        bit = FORM_BITS.get(filters.exploitation_form, 0)
        q &= Q(forms__in=[m for m in range(1 << len(FORM_BITS)) if m & bit])
    if filters.date_from:
        q &= Q(month__gte=filters.date_from)
    if filters.date_to:
        q &= Q(month__lte=month_start(filters.date_to))
    # A visit is due once its day has passed: this month's come from the live tables.
    q &= ~Q(indicator="due") | Q(month__lt=month_start(today))
    cuboid = _cuboid(scope, filters)
    sign = Value(1)
    where = Q(cuboid=cuboid) & q
    if dirty:
        stale = _summary_partitions_q(dirty) & q
        sign = Choose(When(Q(cuboid=cuboid), then=Value(1)), default=Value(-1))
        if cuboid == FULL:
            where = where & ~stale
            sign = Value(1)
        else:
            where = where | stale
    signed = ExpressionWrapper(sign * F("n"), output_field=IntegerField())
    signed_keys = ExpressionWrapper(sign * F("k"), output_field=IntegerField())
    return (
        SummaryRow.objects.filter(where)
        .values_list(*CELL_GROUPS)
        .annotate(rows=Sum(signed), keys=Sum(signed_keys))
        .order_by()
    )


def _live_rows(scope, filters, today, cases: list[int], alias="default"):
    """The rows of the given cases (those of the dirty partitions) and this month's visits
    due so far, counted from the live tables in one query."""
    this_month = month_start(today)
    due_this_month = filters.date_to is None or filters.date_to >= this_month
    if not cases and not due_this_month:
        return []
    counted = []  # (fact, condition): each read from an index (an OR of the two is not)
    ids = lookups.Ids(cases)  # made integers once for all the facts
    for fact in FACTS:
        c = fact.case
        q = scope.case_q(c) & filters.case_q(c) & fact.period_q(filters)
        of_cases = Q(**{"pk__in_ids" if fact.model is Case else "case__pk__in_ids": ids})
        if cases:
            counted.append((fact, q & of_cases))
        if fact.indicator == "due" and due_this_month:
            this_months = Q(scheduled_for__gte=this_month, scheduled_for__lt=today)
            counted.append((fact, q & this_months & (~of_cases if cases else Q())))
    parts, params = [], []
    for fact, condition in counted:
        if fact.indicator == "due":
            condition &= Q(scheduled_for__lt=today)
        rows = (
            fact.base()
            .filter(condition)
            .annotate(**fact.expressions(), s_key=record_key(fact.key))
            .values(*GROUPS, "s_key")
        )
        inner, inner_params = rows.query.sql_with_params()
        groups = ", ".join(GROUPS)
        parts.append(
            f"SELECT %s, {groups}, COUNT(*), SUM(s_key) FROM ({inner}) AS f{len(parts)} "  # noqa: S608
            f"GROUP BY {groups}"
        )
        params += [fact.indicator, *inner_params]
    if not parts:
        return []
    with connections[alias].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return cursor.fetchall()


# --- numbers, as selectors.dashboard_data gives them ------------------------------------------


def _tallies(cells: dict, key: Callable) -> dict:
    counts: dict = {}
    for group, (n, k) in sorted(cells.items(), key=str):
        name = key(*group)
        counts[name] = tally_add(counts.get(name, 0), Tally(n, k))
    return counts


def _bool(text: str | None) -> bool:
    return text == "true"


def numbers_from_rows(rows: dict) -> dict:
    one = lambda g1, g2, g3, v: g1  # noqa: E731
    two = lambda g1, g2, g3, v: (g1, g2)  # noqa: E731
    referrals, medians = _referrals(rows["referrals"])
    return {
        "province": _tallies(rows["province"], one),
        "organisation": _tallies(rows["organisation"], lambda g1, *_: int(g1)),
        "phase": _tallies(rows["phase"], one),
        "sex_age": _tallies(rows["sex_age"], lambda g1, g2, *_: (g1, _bool(g2))),
        "exploitation": _tallies(rows["exploitation"], two),
        "movement": _tallies(rows["movement"], one),
        "foreign_by_exploitation": _tallies(rows["foreign_expl"], two),
        "foreign": _tallies(rows["foreign"], one),
        "new_cases": _tallies(rows["new_cases"], lambda g1, *_: g1[:7]),
        "closed": _tallies(rows["closed"], one),
        "referrals": referrals,
        "referral_median_days": medians,
        "visits": _visits(rows["due"]),
        **_outcomes(rows),
        "plan_decisions": _tallies(rows["decisions"], two),
        "services_delivered": _tallies(rows["services"], two),
        "recommendations": _tallies(rows["recommendations"], two),
        "livelihood_after_return": _after_return(rows["after_return"]),
        "returns": _returns(rows["returns"]),
    }


def _referrals(cells: dict):
    """As selectors.referral_indicators reads its rows."""
    return selectors.referral_tallies(
        ((kind_from, kind_to), status, answer_days, Tally(n, k))
        for (kind_from, kind_to, status, answer_days), (n, k) in sorted(cells.items(), key=str)
    )


def _visits(cells: dict) -> dict:
    buckets = {name: Tally(0) for name in ("done_on_time", "done_late", "missed", "overdue")}
    for (status, on_time, _g3, _v), (n, k) in cells.items():
        if status == VisitStatus.DONE:
            name = "done_on_time" if _bool(on_time) else "done_late"
        else:
            name = "missed" if status == VisitStatus.MISSED else "overdue"
        buckets[name] = tally_add(buckets[name], Tally(n, k))
    return buckets


def _outcomes(rows: dict) -> dict:
    wellbeing = {(name, r): Tally(0) for name in RATING_FIELDS for r in range(1, 6)}
    for name in RATING_FIELDS:
        for (_g1, _g2, _g3, rating), (n, k) in rows[f"wb:{name}"[:16]].items():
            if (name, rating) in wellbeing:
                wellbeing[(name, rating)] = tally_add(wellbeing[(name, rating)], Tally(n, k))
    bands = (
        selectors.NO_INCOME_RECORDED,
        selectors.INCOME_LOW,
        selectors.INCOME_MIDDLE,
        selectors.INCOME_HIGH,
    )
    livelihood: dict = {}
    for (work, band, _g3, _v), (n, k) in rows["livelihood"].items():
        for each in bands:
            livelihood.setdefault((work, each), Tally(0))
        livelihood[(work, band)] = tally_add(livelihood[(work, band)], Tally(n, k))
    risk = {name: Tally(0) for name in ("flagged", "signs_noted", "none")}
    for (name, _g2, _g3, _v), (n, k) in rows["risk"].items():
        risk[name] = tally_add(risk[name], Tally(n, k))
    return {"wellbeing": wellbeing, "livelihood": livelihood, "risk": risk}


def _after_return(cells: dict) -> dict:
    months = selectors.LIVELIHOOD_MONTHS
    counts = {(m, w): Tally(0) for m in months for w in (True, False)}
    incomes: dict[int, dict[int, int]] = {m: {} for m in months}
    income_keys = {m: Tally(0) for m in months}
    for (month, work, _g3, income), (n, k) in sorted(cells.items(), key=str):
        month, tally = int(month), Tally(n, k)
        working = work in selectors.WORKING
        counts[(month, working)] = tally_add(counts[(month, working)], tally)
        if income is not None:
            incomes[month][income] = incomes[month].get(income, 0) + n
            income_keys[month] = tally_add(income_keys[month], tally)
    medians = {m: selectors.histogram_median(h) for m, h in incomes.items() if h}
    return {"counts": counts, "medians": medians, "incomes_recorded": income_keys}


def _returns(cells: dict) -> dict:
    by_country: dict = {}
    by_month: dict = {}
    days: dict = defaultdict(dict)
    for (direction, country, month, waited), (n, k) in sorted(cells.items(), key=str):
        tally, pair = Tally(n, k), (direction, country)
        by_country[pair] = tally_add(by_country.get(pair, 0), tally)
        key = (month[:7], direction)
        by_month[key] = tally_add(by_month.get(key, 0), tally)
        days[pair][waited] = days[pair].get(waited, 0) + n
    medians = {pair: selectors.histogram_median(h) for pair, h in days.items()}
    return {"by_country": by_country, "by_month": by_month, "median_days": medians}


def summary_matches_live() -> bool:
    """Whether every summary row equals a fresh count (for tests and the rebuild command's
    --check): compares the whole table with what a rebuild would insert."""
    with transaction.atomic():
        before = _snapshot()
        sid = transaction.savepoint()
        summary_rebuild_in_place()
        after = _snapshot()
        transaction.savepoint_rollback(sid)
    return before == after


def _snapshot() -> dict:
    cells: dict = {}
    for row in SummaryRow.objects.values_list(
        "cuboid", "indicator", "month", "province_id", "organisation_id", "sex", "minor", "forms",
        "g1", "g2", "g3", "value", "n", "k",
    ):  # fmt: skip
        *group, n, k = row
        cell = cells.setdefault(tuple(group), [0, 0])
        cell[0] += n
        cell[1] += k
    return {group: cell for group, cell in cells.items() if cell != [0, 0]}


def summary_rebuild_in_place() -> None:
    SummaryRow.objects.all().delete()
    with connection.cursor() as cursor:
        for fact in FACTS:
            cursor.execute(*_insert_sql(fact))
        for cuboid in ROLLUPS:
            cursor.execute(*_rollup_sql(cuboid))
