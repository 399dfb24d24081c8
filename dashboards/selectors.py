"""One function per dashboard indicator. Each groups and counts in the database (one query,
`.values(...).annotate(Count(...))` or `.aggregate(...)`), never loops over cases in Python,
and returns plain, language-free data (codes and counts) that can be cached and labelled later.

Grouped counts are COUNT(*), not COUNT(id): PostgreSQL then need not read the id of each row,
and can answer from an index alone (caseload by phase: 35 ms -> 15 ms at 200,000 cases).

Every function starts from the scope and the filters: the scope decides whose rows count, the
filters narrow them. Each count comes with the sum of its rows' record keys (a `Tally`), which
the cell key method of disclosure.py turns into the same noise every time. Case indicators,
referral indicators and follow-up indicators are built in separate functions, so a change to
one model touches one place.
"""

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import TruncMonth

from cases.countries import CAMBODIA
from cases.models import Case, CaseExploitation, Phase
from followup.models import RATING_FIELDS, FollowUpVisit, SchoolOrWork, VisitStatus
from plans.models import (
    Approval,
    ApprovalStatus,
    FamilyAssessment,
    ServiceDelivery,
)
from referrals.models import Referral, Status
from returns.models import CrossBorderReturn

from .disclosure import Tally, key_sum, tally_add
from .forms import DashboardFilters
from .scope import DashboardScope

# A visit done within this many days of its date counts as on time.
ON_TIME_DAYS = 14
# Monthly income bands in riel (about 50 and 125 US dollars).
INCOME_BANDS = (200_000, 500_000)
NO_INCOME_RECORDED, INCOME_LOW, INCOME_MIDDLE, INCOME_HIGH = "none", "low", "middle", "high"

ACCEPTED_STATUSES = (Status.ACCEPTED, Status.IN_PROGRESS, Status.COMPLETED)

# Counting a constant counts rows without reading a column (Django refuses COUNT(*) with a
# filter): with every column a query needs in one index, PostgreSQL reads the index alone.
ROW = Value(1)


# --- cases -------------------------------------------------------------------------------------


def cases_in_scope(scope: DashboardScope, filters: DashboardFilters) -> QuerySet[Case]:
    """The cases a dashboard counts: the scope, narrowed by the filters and the intake period."""
    return Case.objects.filter(
        scope.case_q() & filters.case_q() & filters.date_q("intake_date")
    ).order_by()


def _count_by(queryset: QuerySet, *fields: str) -> dict:
    rows = queryset.values(*fields).annotate(n=Count("*"), k=key_sum()).order_by()
    if len(fields) == 1:
        return {row[fields[0]]: Tally(row["n"], row["k"]) for row in rows}
    return {tuple(row[f] for f in fields): Tally(row["n"], row["k"]) for row in rows}


def caseload_by_province_queryset(scope: DashboardScope, filters: DashboardFilters) -> QuerySet:
    """The main aggregate of a dashboard (the benchmark times its raw SQL)."""
    return (
        cases_in_scope(scope, filters)
        .values("origin_province_id")
        .annotate(n=Count("*"), k=key_sum())
        .order_by()
    )


def caseload_by_province(scope: DashboardScope, filters: DashboardFilters) -> dict[str, int]:
    rows = caseload_by_province_queryset(scope, filters)
    return {row["origin_province_id"]: Tally(row["n"], row["k"]) for row in rows}


def caseload_by_organisation(scope: DashboardScope, filters: DashboardFilters) -> dict[int, int]:
    return _count_by(cases_in_scope(scope, filters), "organisation_id")


def caseload_by_phase(scope: DashboardScope, filters: DashboardFilters) -> dict[str, int]:
    return _count_by(cases_in_scope(scope, filters), "phase")


def caseload_by_sex_and_age(
    scope: DashboardScope, filters: DashboardFilters
) -> dict[tuple[str, bool], int]:
    return _count_by(cases_in_scope(scope, filters), "sex", "minor_at_intake")


def exploitations_in_scope(
    scope: DashboardScope, filters: DashboardFilters
) -> QuerySet[CaseExploitation]:
    """The forms of exploitation of the cases a dashboard counts: a case once under each."""
    q = scope.case_q("case__") & filters.case_q("case__") & filters.date_q("case__intake_date")
    return CaseExploitation.objects.filter(q).order_by()


def _count_cases_by(queryset: QuerySet[CaseExploitation], *fields: str) -> dict:
    """Forms of exploitation counted as the cases they belong to: each carries its case's key,
    so a cell of the cases with one form shows the same as before forms became a set."""
    rows = queryset.values(*fields).annotate(n=Count("*"), k=key_sum("case_id")).order_by()
    return {tuple(row[f] for f in fields): Tally(row["n"], row["k"]) for row in rows}


def caseload_by_exploitation(
    scope: DashboardScope, filters: DashboardFilters
) -> dict[tuple[str, str], int]:
    """Cases by form of exploitation and movement; a case with two forms counts under each."""
    return _count_cases_by(exploitations_in_scope(scope, filters), "form", "case__movement")


def caseload_by_movement(scope: DashboardScope, filters: DashboardFilters) -> dict[str, int]:
    """Cases by movement, each once: the totals of the table by form of exploitation."""
    return _count_by(cases_in_scope(scope, filters), "movement")


def foreign_nationals_by_exploitation(
    scope: DashboardScope, filters: DashboardFilters
) -> dict[tuple[str, str], int]:
    """Survivors of another nationality than Cambodian, by nationality and form of
    exploitation (a case under each of its forms)."""
    foreign = exploitations_in_scope(scope, filters).exclude(case__nationality=CAMBODIA)
    return _count_cases_by(foreign, "case__nationality", "form")


def foreign_nationals(scope: DashboardScope, filters: DashboardFilters) -> dict[str, int]:
    """Survivors of another nationality than Cambodian, by nationality, each case once."""
    return _count_by(cases_in_scope(scope, filters).exclude(nationality=CAMBODIA), "nationality")


def new_cases_by_month(scope: DashboardScope, filters: DashboardFilters) -> dict[str, int]:
    rows = (
        cases_in_scope(scope, filters)
        .annotate(month=TruncMonth("intake_date"))
        .values("month")
        .annotate(n=Count("*"), k=key_sum())
        .order_by()
    )
    return {row["month"].strftime("%Y-%m"): Tally(row["n"], row["k"]) for row in rows}


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


def referral_indicators(
    scope: DashboardScope, filters: DashboardFilters
) -> tuple[dict[tuple[str, str], dict[str, int]], dict[tuple[str, str], float]]:
    """`referral_tallies` of the referrals in scope. One query counts the referrals by pair
    of kinds, status and days to answer; the counts and the medians are read from those few
    hundred rows."""
    rows = (
        referrals_in_scope(scope, filters)
        .values_list("from_organisation__kind", "to_organisation__kind", "status", "answer_days")
        .annotate(n=Count("*"), k=key_sum())
        .order_by()
    )
    return referral_tallies(
        ((kind_from, kind_to), status, answer_days, Tally(n, k))
        for kind_from, kind_to, status, answer_days, n, k in rows
    )


def referral_tallies(
    rows: Iterable[tuple[tuple[str, str], str, int | None, Tally]],
) -> tuple[dict[tuple[str, str], dict[str, int]], dict[tuple[str, str], float]]:
    """Per (sender's kind, receiver's kind): the referrals accepted (whatever happened after),
    declined and not answered (still waiting, or cancelled before an answer), which add up to
    the sent; and the median days to answer of the answered ones. From rows of (pair of kinds,
    status, days to answer, how many), counted live (`referral_indicators`) or read from the
    summary (summary.py)."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    days: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for pair, status, answer_days, n in rows:
        answered = answer_days is not None
        if status in ACCEPTED_STATUSES or (status == Status.CANCELLED and answered):
            column = "accepted"
        elif status == Status.DECLINED:
            column = "declined"
        else:
            column = "unanswered"
        tally = counts.setdefault(pair, {"accepted": 0, "declined": 0, "unanswered": 0})
        tally[column] = tally_add(tally[column], n)
        if answered:
            days[pair][answer_days] = days[pair].get(answer_days, 0) + n
    return counts, {pair: histogram_median(histogram) for pair, histogram in days.items()}


def histogram_median(histogram: dict[int, int]) -> float:
    """The median of values given as {value: how many times}: the middle value, or the mean
    of the two middle values."""
    total = sum(histogram.values())
    middle = ((total - 1) // 2, total // 2)  # the same position twice when total is odd
    found, seen = [], 0
    for value in sorted(histogram):
        seen += histogram[value]
        while len(found) < 2 and middle[len(found)] < seen:
            found.append(value)
    return float(statistics.mean(found))


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
    buckets = {
        "done_on_time": Q(status=VisitStatus.DONE) & on_time,
        "done_late": Q(status=VisitStatus.DONE) & ~on_time,
        "missed": Q(status=VisitStatus.MISSED),
        "overdue": Q(status=VisitStatus.PLANNED),
    }
    row = due.aggregate(**_counted(buckets))
    return {name: _tally(row, name) for name in buckets}


def _counted(conditions: dict[str, Q]) -> dict:
    """A filtered count and a filtered key sum for each named condition."""
    aggregates = {}
    for name, condition in conditions.items():
        aggregates[name] = Count(ROW, filter=condition)
        aggregates[f"{name}__key"] = key_sum(filter=condition)
    return aggregates


def _tally(row: dict, name: str) -> Tally:
    return Tally(row[name], row[f"{name}__key"])


def followup_outcomes(scope: DashboardScope, filters: DashboardFilters) -> dict[str, dict]:
    """What the visits done in the period recorded, in one query grouped by school or work:

    - "wellbeing": {(dimension, rating): visits}, the rating (1 very poor … 5 very good) of
      each of safety, health, family and community acceptance;
    - "livelihood": {(school or work, income band): visits};
    - "risk": visits that flagged a risk of re-trafficking, noted other signs of risk, or none.
    """
    low, high = INCOME_BANDS
    wellbeing = {
        f"{name}_{rating}": Q(**{name: rating}) for name in RATING_FIELDS for rating in range(1, 6)
    }
    bands = {
        NO_INCOME_RECORDED: Q(monthly_income_riel__isnull=True),
        INCOME_LOW: Q(monthly_income_riel__lt=low),
        INCOME_MIDDLE: Q(monthly_income_riel__gte=low, monthly_income_riel__lt=high),
        INCOME_HIGH: Q(monthly_income_riel__gte=high),
    }
    risk = {
        "flagged": Q(retrafficking_risk=True),
        "signs_noted": Q(retrafficking_risk=False) & ~Q(risk_signs=""),
        "none": Q(retrafficking_risk=False, risk_signs=""),
    }
    conditions = {
        **{f"wellbeing__{key}": q for key, q in wellbeing.items()},
        **{f"income__{band}": q for band, q in bands.items()},
        **{f"risk__{key}": q for key, q in risk.items()},
    }
    rows = (
        visits_in_scope(scope, filters)
        .filter(filters.date_q("visited_on"), status=VisitStatus.DONE)
        .values("school_or_work")
        .annotate(**_counted(conditions))
        .order_by()
    )
    outcomes = {
        "wellbeing": {(n, r): Tally(0) for n in RATING_FIELDS for r in range(1, 6)},
        "livelihood": {},
        "risk": {key: Tally(0) for key in risk},
    }
    for row in rows:
        for name in RATING_FIELDS:
            for rating in range(1, 6):
                cell = _tally(row, f"wellbeing__{name}_{rating}")
                total = outcomes["wellbeing"][(name, rating)]
                outcomes["wellbeing"][(name, rating)] = tally_add(total, cell)
        for band in bands:
            outcomes["livelihood"][(row["school_or_work"], band)] = _tally(row, f"income__{band}")
        for key in risk:
            outcomes["risk"][key] = tally_add(outcomes["risk"][key], _tally(row, f"risk__{key}"))
    return outcomes


# --- reintegration plans -----------------------------------------------------------------------

# What counts as "in work or training" at a follow-up visit.
WORKING = (SchoolOrWork.EMPLOYED, SchoolOrWork.OWN_BUSINESS, SchoolOrWork.TRAINING)
# Months after return at which livelihood is measured (visits of the follow-up plan).
LIVELIHOOD_MONTHS = (6, 12)


def plan_decisions(scope: DashboardScope, filters: DashboardFilters) -> dict:
    """Plans and closures decided in the period, approved or returned."""
    decided = Approval.objects.filter(
        scope.case_q("case__") & filters.case_q("case__") & filters.datetime_q("decided_at"),
        status__in=(ApprovalStatus.APPROVED, ApprovalStatus.RETURNED),
    ).order_by()
    return _count_by(decided, "kind", "status")


def services_delivered(scope: DashboardScope, filters: DashboardFilters) -> dict:
    """Services delivered in the period, by the plan's domain and who provided them."""
    delivered = ServiceDelivery.objects.filter(
        scope.case_q("case__") & filters.case_q("case__") & filters.date_q("delivered_on")
    ).order_by()
    return _count_by(delivered, "action__goal__domain", "action__provider_kind")


def family_recommendations(scope: DashboardScope, filters: DashboardFilters) -> dict:
    """Family assessments of the period by recommendation and alternative option."""
    assessed = FamilyAssessment.objects.filter(
        scope.case_q("case__") & filters.case_q("case__") & filters.date_q("visited_on")
    ).order_by()
    return _count_by(assessed, "recommendation", "alternative_option")


def livelihood_after_return(scope: DashboardScope, filters: DashboardFilters) -> dict:
    """At the 6- and 12-month visits done in the period: how many were in work or training, and
    the histogram of monthly incomes recorded (for the median)."""
    rows = (
        visits_in_scope(scope, filters)
        .filter(
            filters.date_q("visited_on"),
            status=VisitStatus.DONE,
            plan_month__in=LIVELIHOOD_MONTHS,
        )
        .values("plan_month", "school_or_work", "monthly_income_riel")
        .annotate(n=Count("*"), k=key_sum())
        .order_by()
    )
    counts = {(m, w): Tally(0) for m in LIVELIHOOD_MONTHS for w in (True, False)}
    incomes: dict[int, dict[int, int]] = {m: {} for m in LIVELIHOOD_MONTHS}
    income_keys = {m: Tally(0) for m in LIVELIHOOD_MONTHS}
    for row in rows:
        month, n = row["plan_month"], Tally(row["n"], row["k"])
        working = row["school_or_work"] in WORKING
        counts[(month, working)] = tally_add(counts[(month, working)], n)
        income = row["monthly_income_riel"]
        if income is not None:
            incomes[month][income] = incomes[month].get(income, 0) + row["n"]
            income_keys[month] = tally_add(income_keys[month], n)
    medians = {m: histogram_median(h) for m, h in incomes.items() if h}
    return {"counts": counts, "medians": medians, "incomes_recorded": income_keys}


# --- cross-border returns ----------------------------------------------------------------------


def returns_in_scope(scope: DashboardScope, filters: DashboardFilters) -> QuerySet:
    """Returns of the cases in scope on which the survivor travelled in the period."""
    q = scope.case_q("case__") & filters.case_q("case__") & filters.date_q("travelled_on")
    return CrossBorderReturn.objects.filter(q, travelled_on__isnull=False).order_by()


def cross_border_returns(scope: DashboardScope, filters: DashboardFilters) -> dict:
    """Returns by (direction, country), by (month of travel, direction), and per (direction,
    country) the histogram of days from identification to the journey (for the median): one
    query grouping by direction, country, month and days, a few hundred rows at most."""
    waited = ExpressionWrapper(F("travelled_on") - F("identified_on"), output_field=DurationField())
    rows = (
        returns_in_scope(scope, filters)
        .annotate(month=TruncMonth("travelled_on"), waited=waited)
        .values("direction", "country", "month", "waited")
        .annotate(n=Count("*"), k=key_sum())
        .order_by()
    )
    by_country: dict[tuple[str, str], Tally] = {}
    by_month: dict[tuple[str, str], Tally] = {}
    days: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for row in rows:
        n, pair = Tally(row["n"], row["k"]), (row["direction"], row["country"])
        month = (row["month"].strftime("%Y-%m"), row["direction"])
        by_country[pair] = tally_add(by_country.get(pair, 0), n)
        by_month[month] = tally_add(by_month.get(month, 0), n)
        waited_days = row["waited"].days
        days[pair][waited_days] = days[pair].get(waited_days, 0) + row["n"]
    medians = {pair: histogram_median(histogram) for pair, histogram in days.items()}
    return {"by_country": by_country, "by_month": by_month, "median_days": medians}


# --- the whole dashboard -----------------------------------------------------------------------


def dashboard_data(scope: DashboardScope, filters: DashboardFilters, *, today: dt.date) -> dict:
    """Every indicator's raw numbers, in a number of queries that does not grow with the
    caseload (one for each case indicator, one for referrals, two for visits, four for the
    reintegration plans, one for cross-border returns)."""
    referrals, medians = referral_indicators(scope, filters)
    return {
        "province": caseload_by_province(scope, filters),
        "organisation": caseload_by_organisation(scope, filters),
        "phase": caseload_by_phase(scope, filters),
        "sex_age": caseload_by_sex_and_age(scope, filters),
        "exploitation": caseload_by_exploitation(scope, filters),
        "movement": caseload_by_movement(scope, filters),
        "foreign_by_exploitation": foreign_nationals_by_exploitation(scope, filters),
        "foreign": foreign_nationals(scope, filters),
        "new_cases": new_cases_by_month(scope, filters),
        "closed": cases_closed_by_reason(scope, filters),
        "referrals": referrals,
        "referral_median_days": medians,
        "visits": followup_visits_due(scope, filters, today=today),
        **followup_outcomes(scope, filters),
        "plan_decisions": plan_decisions(scope, filters),
        "services_delivered": services_delivered(scope, filters),
        "recommendations": family_recommendations(scope, filters),
        "livelihood_after_return": livelihood_after_return(scope, filters),
        "returns": cross_border_returns(scope, filters),
    }
