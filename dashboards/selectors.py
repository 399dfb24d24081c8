"""One function per dashboard indicator. Each groups and counts in the database (one query,
`.values(...).annotate(Count(...))` or `.aggregate(...)`), never loops over cases in Python,
and returns plain, language-free data (codes and counts) that can be cached and labelled later.

Every function starts from the scope and the filters: the scope decides whose rows count, the
filters narrow them. Case indicators, referral indicators and follow-up indicators are built in
separate functions, so a change to one model touches one place.
"""

import datetime as dt
import statistics
from collections import defaultdict

from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Func, IntegerField, Q, QuerySet
from django.db.models.functions import TruncDate, TruncMonth

from cases.models import Case, Phase
from followup.models import RATING_FIELDS, FollowUpVisit, VisitStatus
from referrals.models import Referral, Status

from .forms import DashboardFilters
from .scope import DashboardScope

# A visit done within this many days of its date counts as on time.
ON_TIME_DAYS = 14
# Monthly income bands in riel (about 50 and 125 US dollars).
INCOME_BANDS = (200_000, 500_000)
NO_INCOME_RECORDED, INCOME_LOW, INCOME_MIDDLE, INCOME_HIGH = "none", "low", "middle", "high"

ACCEPTED_STATUSES = (Status.ACCEPTED, Status.IN_PROGRESS, Status.COMPLETED)


# --- cases -------------------------------------------------------------------------------------


def cases_in_scope(scope: DashboardScope, filters: DashboardFilters) -> QuerySet[Case]:
    """The cases a dashboard counts: the scope, narrowed by the filters and the intake period."""
    return Case.objects.filter(
        scope.case_q() & filters.case_q() & filters.date_q("intake_date")
    ).order_by()


def _count_by(queryset: QuerySet, *fields: str) -> dict:
    rows = queryset.values(*fields).annotate(n=Count("pk")).order_by()
    if len(fields) == 1:
        return {row[fields[0]]: row["n"] for row in rows}
    return {tuple(row[f] for f in fields): row["n"] for row in rows}


def caseload_by_province_queryset(scope: DashboardScope, filters: DashboardFilters) -> QuerySet:
    """The main aggregate of a dashboard (the benchmark times its raw SQL)."""
    return (
        cases_in_scope(scope, filters)
        .values("origin_province_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def caseload_by_province(scope: DashboardScope, filters: DashboardFilters) -> dict[str, int]:
    rows = caseload_by_province_queryset(scope, filters)
    return {row["origin_province_id"]: row["n"] for row in rows}


def caseload_by_organisation(scope: DashboardScope, filters: DashboardFilters) -> dict[int, int]:
    return _count_by(cases_in_scope(scope, filters), "organisation_id")


def caseload_by_phase(scope: DashboardScope, filters: DashboardFilters) -> dict[str, int]:
    return _count_by(cases_in_scope(scope, filters), "phase")


def caseload_by_sex_and_age(
    scope: DashboardScope, filters: DashboardFilters
) -> dict[tuple[str, bool], int]:
    return _count_by(cases_in_scope(scope, filters), "sex", "minor_at_intake")


def caseload_by_exploitation(
    scope: DashboardScope, filters: DashboardFilters
) -> dict[tuple[str, str], int]:
    return _count_by(cases_in_scope(scope, filters), "exploitation_form", "movement")


def new_cases_by_month(scope: DashboardScope, filters: DashboardFilters) -> dict[str, int]:
    rows = (
        cases_in_scope(scope, filters)
        .annotate(month=TruncMonth("intake_date"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["month"].strftime("%Y-%m"): row["n"] for row in rows}


def cases_closed_by_reason(scope: DashboardScope, filters: DashboardFilters) -> dict[str, int]:
    """Cases closed in the period (by closing date, whatever their intake date)."""
    closed = Case.objects.filter(
        scope.case_q() & filters.case_q() & filters.date_q("closed_on"), phase=Phase.CLOSED
    ).order_by()
    return _count_by(closed, "closure_reason")


# --- referrals ---------------------------------------------------------------------------------


def referrals_in_scope(scope: DashboardScope, filters: DashboardFilters) -> QuerySet[Referral]:
    """Referrals of the cases in scope, sent in the period."""
    q = scope.case_q("case__") & filters.case_q("case__") & filters.datetime_q("sent_at")
    return Referral.objects.filter(q).order_by()


def referrals_by_kind(
    scope: DashboardScope, filters: DashboardFilters
) -> dict[tuple[str, str], dict[str, int]]:
    """Per (sender's kind, receiver's kind): accepted (whatever happened after), declined, and
    not answered (still waiting, or cancelled before an answer). They add up to the sent."""
    answered_then_cancelled = Q(status=Status.CANCELLED, answered_at__isnull=False)
    rows = (
        referrals_in_scope(scope, filters)
        .values("from_organisation__kind", "to_organisation__kind")
        .annotate(
            accepted=Count("pk", filter=Q(status__in=ACCEPTED_STATUSES) | answered_then_cancelled),
            declined=Count("pk", filter=Q(status=Status.DECLINED)),
            unanswered=Count(
                "pk",
                filter=Q(status=Status.SENT) | Q(status=Status.CANCELLED, answered_at__isnull=True),
            ),
        )
        .order_by()
    )
    return {
        (row["from_organisation__kind"], row["to_organisation__kind"]): {
            "accepted": row["accepted"],
            "declined": row["declined"],
            "unanswered": row["unanswered"],
        }
        for row in rows
    }


class _DaysBetween(Func):
    """Whole local days from one timestamp to another (Phnom Penh dates, as Referral does)."""

    output_field = IntegerField()

    def __init__(self, start: str, end: str):
        super().__init__(TruncDate(end), TruncDate(start))

    def as_sql(self, compiler, connection, **extra):  # pragma: no cover - PostgreSQL only
        end, start = (compiler.compile(expression) for expression in self.source_expressions)
        return f"(({end[0]})::date - ({start[0]})::date)", (*end[1], *start[1])


class _Median(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def referral_median_days_to_answer(
    scope: DashboardScope, filters: DashboardFilters
) -> dict[tuple[str, str], float]:
    """Median days from sending to the answer of answered referrals, per pair of kinds.

    PostgreSQL computes it (percentile_cont); elsewhere the answered referrals' two dates are
    fetched, grouped and the median taken in Python. Both give the same number: the middle
    value, or the mean of the two middle values."""
    answered = referrals_in_scope(scope, filters).filter(answered_at__isnull=False)
    keys = ("from_organisation__kind", "to_organisation__kind")
    if connection.vendor == "postgresql":
        rows = (
            answered.values(*keys)
            .annotate(median=_Median(_DaysBetween("sent_at", "answered_at")))
            .order_by()
        )
        return {(row[keys[0]], row[keys[1]]): float(row["median"]) for row in rows}
    durations: dict[tuple[str, str], list[int]] = defaultdict(list)
    for sender, receiver, sent, answered_on in answered.values_list(
        *keys, TruncDate("sent_at"), TruncDate("answered_at")
    ):
        durations[(sender, receiver)].append((answered_on - sent).days)
    return {key: float(statistics.median(days)) for key, days in durations.items()}


# --- follow-up visits --------------------------------------------------------------------------


def visits_in_scope(scope: DashboardScope, filters: DashboardFilters) -> QuerySet[FollowUpVisit]:
    return FollowUpVisit.objects.filter(
        scope.case_q("case__") & filters.case_q("case__")
    ).order_by()


def followup_visits_due(
    scope: DashboardScope, filters: DashboardFilters, *, today: dt.date
) -> dict[str, int]:
    """Visits whose day has passed (scheduled in the period, before today; cancelled ones
    aside): done on time, done late, missed, or overdue (still planned)."""
    due = visits_in_scope(scope, filters).filter(
        filters.date_q("scheduled_for"), scheduled_for__lt=today
    )
    on_time = Q(visited_on__lte=F("scheduled_for") + dt.timedelta(days=ON_TIME_DAYS))
    return due.aggregate(
        done_on_time=Count("pk", filter=Q(status=VisitStatus.DONE) & on_time),
        done_late=Count("pk", filter=Q(status=VisitStatus.DONE) & ~on_time),
        missed=Count("pk", filter=Q(status=VisitStatus.MISSED)),
        overdue=Count("pk", filter=Q(status=VisitStatus.PLANNED)),
    )


def _visits_done(scope: DashboardScope, filters: DashboardFilters) -> QuerySet[FollowUpVisit]:
    return visits_in_scope(scope, filters).filter(
        filters.date_q("visited_on"), status=VisitStatus.DONE
    )


def followup_wellbeing(
    scope: DashboardScope, filters: DashboardFilters
) -> dict[tuple[str, int], int]:
    """Visits done in the period, by rating (1 very poor … 5 very good) of each of safety,
    health, family and community acceptance."""
    counts = _visits_done(scope, filters).aggregate(
        **{
            f"{name}__{rating}": Count("pk", filter=Q(**{name: rating}))
            for name in RATING_FIELDS
            for rating in range(1, 6)
        }
    )
    return {(key.split("__")[0], int(key.split("__")[1])): value for key, value in counts.items()}


def followup_livelihood(
    scope: DashboardScope, filters: DashboardFilters
) -> dict[tuple[str, str], int]:
    """Visits done in the period, by school or work and monthly income band."""
    low, high = INCOME_BANDS
    rows = (
        _visits_done(scope, filters)
        .values("school_or_work")
        .annotate(
            **{
                NO_INCOME_RECORDED: Count("pk", filter=Q(monthly_income_riel__isnull=True)),
                INCOME_LOW: Count("pk", filter=Q(monthly_income_riel__lt=low)),
                INCOME_MIDDLE: Count(
                    "pk", filter=Q(monthly_income_riel__gte=low, monthly_income_riel__lt=high)
                ),
                INCOME_HIGH: Count("pk", filter=Q(monthly_income_riel__gte=high)),
            }
        )
        .order_by()
    )
    bands = (NO_INCOME_RECORDED, INCOME_LOW, INCOME_MIDDLE, INCOME_HIGH)
    return {(row["school_or_work"], band): row[band] for row in rows for band in bands}


def followup_risk_signs(scope: DashboardScope, filters: DashboardFilters) -> dict[str, int]:
    """Visits done in the period that flagged a risk of re-trafficking, or noted signs of risk."""
    return _visits_done(scope, filters).aggregate(
        flagged=Count("pk", filter=Q(retrafficking_risk=True)),
        signs_noted=Count("pk", filter=Q(retrafficking_risk=False) & ~Q(risk_signs="")),
        none=Count("pk", filter=Q(retrafficking_risk=False, risk_signs="")),
    )


# --- the whole dashboard -----------------------------------------------------------------------


def dashboard_data(scope: DashboardScope, filters: DashboardFilters, *, today: dt.date) -> dict:
    """Every indicator's raw numbers: one query each, the same number whatever the caseload."""
    return {
        "province": caseload_by_province(scope, filters),
        "organisation": caseload_by_organisation(scope, filters),
        "phase": caseload_by_phase(scope, filters),
        "sex_age": caseload_by_sex_and_age(scope, filters),
        "exploitation": caseload_by_exploitation(scope, filters),
        "new_cases": new_cases_by_month(scope, filters),
        "closed": cases_closed_by_reason(scope, filters),
        "referrals": referrals_by_kind(scope, filters),
        "referral_median_days": referral_median_days_to_answer(scope, filters),
        "visits": followup_visits_due(scope, filters, today=today),
        "wellbeing": followup_wellbeing(scope, filters),
        "livelihood": followup_livelihood(scope, filters),
        "risk": followup_risk_signs(scope, filters),
    }
