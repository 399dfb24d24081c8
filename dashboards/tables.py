"""Dashboard tables: raw numbers from the selectors, labelled in the active language and shown
through the scope's disclosure control (disclosure.py). The same tables feed the page, its
charts and the CSV and XLSX exports, so all show the same value in every cell.

Raw numbers are cached per scope, filters and day; labels and perturbation are applied after
the cache, so a cached entry carries no language and no one else's scope.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases.countries import countries
from cases.models import ClosureReason, ExploitationForm, Movement, Phase, Sex
from followup.models import Rating, SchoolOrWork
from organisations.models import Organisation, OrganisationKind, Province
from plans.models import (
    AlternativeOption,
    ApprovalKind,
    ApprovalStatus,
    Domain,
    ProviderKind,
    Recommendation,
)
from returns.models import Direction

from . import selectors, summary
from .disclosure import (
    EXACT,
    MEDIAN_MIN_COUNT,
    PERTURBED,
    SMALL,
    Protection,
    Tally,
    perturb_income,
    perturb_median,
    shown_or_hidden,
    tally_add,
)
from .forms import DashboardFilters
from .scope import ORGANISATION, DashboardScope

CACHE_VERSION = 3
HIDDEN = f"<{SMALL}"


@dataclass
class Table:
    slug: str
    title: str
    row_header: str
    row_keys: list
    row_labels: list[str]
    column_labels: list[str]
    cells: list[list[int]]  # counts, as Tallies where they come from the database
    row_totals: bool = False
    column_totals: bool = True
    total_label: str = ""
    chart: str = "rows"  # "rows": one bar per row total; "cells": one bar per cell
    note: str = ""
    extra_label: str = ""  # a column of other figures (e.g. medians) shown after the counts
    extra: list[str] = field(default_factory=list)
    protection: Protection = PERTURBED
    # Where one record can count in several cells (a case under each of its forms of
    # exploitation), the totals are counted on their own, each record once.
    row_counts: list | None = None
    column_counts: list | None = None

    def apply(self, protection: Protection) -> "Table":
        self.protection = protection
        return self

    def shown(self, count) -> int | None:
        """What a count shows: exact, or perturbed with small values hidden (None: "<5")."""
        return shown_or_hidden(count) if self.protection.perturbed else int(count)

    def _text(self, count) -> str:
        value = self.shown(count)
        return HIDDEN if value is None else str(value)

    # Totals are counts of their own rows, with their own cell keys.
    def row_total(self, i: int) -> Tally:
        if self.row_counts is not None:
            return self.row_counts[i]
        return tally_add(*self.cells[i])

    def column_total(self, j: int) -> Tally:
        if self.column_counts is not None:
            return self.column_counts[j]
        return tally_add(*(row[j] for row in self.cells))

    def grand_total(self) -> Tally:
        if self.row_counts is not None:
            return tally_add(*self.row_counts)
        if self.column_counts is not None:
            return tally_add(*self.column_counts)
        return tally_add(*(count for row in self.cells for count in row))

    def cell_text(self, i: int, j: int) -> str:
        return self._text(self.cells[i][j])

    def row_total_text(self, i: int) -> str:
        return self._text(self.row_total(i))

    def column_total_text(self, j: int) -> str:
        return self._text(self.column_total(j))

    def grand_total_text(self) -> str:
        return self._text(self.grand_total())

    @property
    def single_column(self) -> bool:
        return len(self.column_labels) == 1

    def header(self) -> list[str]:
        header = [self.row_header, *self.column_labels]
        if self.row_totals:
            header.append(_("Total"))
        if self.extra_label:
            header.append(self.extra_label)
        return header

    def body(self) -> list[list[str]]:
        rows = []
        for i, label in enumerate(self.row_labels):
            row = [label, *(self.cell_text(i, j) for j in range(len(self.column_labels)))]
            if self.row_totals:
                row.append(self.row_total_text(i))
            if self.extra_label:
                row.append(self.extra[i])
            rows.append(row)
        return rows

    def footer(self) -> list[str] | None:
        if not self.column_totals:
            return None
        row = [self.total_label or _("Total")]
        row += [self.column_total_text(j) for j in range(len(self.column_labels))]
        if self.row_totals:
            row.append(self.grand_total_text())
        if self.extra_label:
            row.append("")
        return row

    def bars(self) -> list[tuple[str, int | None]]:
        """(label, value) for the chart, the same values as the table; None where "<5"."""
        if self.chart == "cells":
            return [
                (f"{label} · {column}", self.shown(self.cells[i][j]))
                for i, label in enumerate(self.row_labels)
                for j, column in enumerate(self.column_labels)
            ]
        if self.single_column:
            return [
                (label, self.shown(self.cells[i][0])) for i, label in enumerate(self.row_labels)
            ]
        return [(label, self.shown(self.row_total(i))) for i, label in enumerate(self.row_labels)]


# --- raw numbers, cached -----------------------------------------------------------------------


def cache_key(scope: DashboardScope, filters: DashboardFilters, today: dt.date) -> str:
    return f"dashboards:v{CACHE_VERSION}:{scope.cache_key}:{filters.cache_key}:{today.isoformat()}"


def dashboard_numbers(
    scope: DashboardScope, filters: DashboardFilters, *, today: dt.date, refresh: bool = False
) -> dict:
    """The selectors' numbers, cached for DASHBOARDS_CACHE_SECONDS (0 turns caching off);
    `refresh` recomputes them whatever the cache holds (the warming task)."""
    seconds = getattr(settings, "DASHBOARDS_CACHE_SECONDS", 300)
    key = cache_key(scope, filters, today)
    if seconds and not refresh:
        numbers = cache.get(key)
        if numbers is not None:
            return numbers
    numbers = summary.dashboard_data(scope, filters, today=today)
    if seconds:
        cache.set(key, numbers, seconds)
    return numbers


# --- labelled tables ---------------------------------------------------------------------------


def province_label(province: Province) -> str:
    return province.name_km if get_language() == "km" else province.name_en


def _kind_label(kind: str) -> str:
    return str(OrganisationKind(kind).label) if kind in OrganisationKind.values else kind


def _one_column(slug, title, row_header, keys, labels, counts, column, **extra) -> Table:
    return Table(
        slug=slug,
        title=title,
        row_header=row_header,
        row_keys=list(keys),
        row_labels=[str(label) for label in labels],
        column_labels=[column],
        cells=[[counts.get(key, 0)] for key in keys],
        **extra,
    )


def _choices_table(slug, title, row_header, choices, counts, column) -> Table:
    return _one_column(
        slug,
        title,
        row_header,
        [v for v, _ in choices],
        [lbl for _, lbl in choices],
        counts,
        column,
    )


def table_province(numbers, provinces) -> Table:
    # A foreign national may have no province in Cambodia: their own row, in the totals too.
    return _one_column(
        "province",
        _("Caseload by province of origin"),
        _("Province"),
        [p.code for p in provinces] + [None],
        [province_label(p) for p in provinces] + [_("No province in Cambodia")],
        numbers["province"],
        _("Cases"),
    )


def table_organisation(numbers, organisations) -> Table:
    counts = numbers["organisation"]
    named = sorted((organisations.get(pk, str(pk)), pk) for pk in counts if counts[pk])
    return _one_column(
        "organisation",
        _("Caseload by organisation"),
        _("Organisation"),
        [pk for _name, pk in named],
        [name for name, _pk in named],
        counts,
        _("Cases"),
    )


def table_phase(numbers) -> Table:
    return _choices_table(
        "phase", _("Caseload by phase"), _("Phase"), Phase.choices, numbers["phase"], _("Cases")
    )


def table_sex_age(numbers) -> Table:
    counts = numbers["sex_age"]
    return Table(
        slug="sex-age",
        title=_("Caseload by sex, minors and adults"),
        row_header=_("Sex"),
        row_keys=list(Sex.values),
        row_labels=[str(label) for label in Sex.labels],
        column_labels=[_("Minor at intake"), _("Adult at intake")],
        cells=[[counts.get((sex, True), 0), counts.get((sex, False), 0)] for sex in Sex.values],
        row_totals=True,
        chart="cells",
    )


def several_forms_note() -> str:
    return _(
        "A survivor who suffered several forms of exploitation counts under each of them; "
        "the totals count each survivor once."
    )


def table_exploitation(numbers) -> Table:
    counts = numbers["exploitation"]
    movements = list(Movement.values)
    return Table(
        slug="exploitation",
        title=_("Caseload by form of exploitation, internal and cross-border"),
        row_header=_("Form of exploitation"),
        row_keys=list(ExploitationForm.values),
        row_labels=[str(label) for label in ExploitationForm.labels],
        column_labels=[_("Internal"), _("Cross-border")],
        cells=[[counts.get((form, m), 0) for m in movements] for form in ExploitationForm.values],
        row_totals=True,
        column_counts=[numbers["movement"].get(m, 0) for m in movements],
        note=several_forms_note(),
    )


def table_foreign_nationals(numbers, protection: Protection) -> Table:
    """Survivors of another nationality by nationality and form of exploitation. Where the
    figures are perturbed, a nationality with fewer than five survivors shown is not named:
    it counts in "other nationalities", so that no row tells that one such person exists."""
    by_form, cases = numbers["foreign_by_exploitation"], numbers["foreign"]
    named = [
        code
        for code, count in cases.items()
        if not protection.perturbed or (shown_or_hidden(count) or 0) >= SMALL
    ]
    named.sort(key=countries.name)
    pooled = [code for code in cases if code not in named]
    forms = list(ExploitationForm.values)
    keys, labels = list(named), [countries.name(code) for code in named]
    cells = [[by_form.get((code, form), 0) for form in forms] for code in named]
    row_counts = [cases[code] for code in named]
    if pooled:
        keys.append("other")
        labels.append(_("Other nationalities"))
        cells.append(
            [tally_add(*(by_form.get((code, form), 0) for code in pooled)) for form in forms]
        )
        row_counts.append(tally_add(*(cases[code] for code in pooled)))
    return Table(
        slug="foreign-nationals",
        title=_("Foreign nationals by nationality and form of exploitation"),
        row_header=_("Nationality"),
        row_keys=keys,
        row_labels=labels,
        column_labels=[str(label) for label in ExploitationForm.labels],
        cells=cells,
        row_totals=True,
        row_counts=row_counts,
        note=several_forms_note(),
    )


def _months(numbers, filters: DashboardFilters, today: dt.date) -> list[str]:
    """Every month of the period (the last 24 months when no period is chosen), zeros too."""
    end = filters.date_to or today
    start = filters.date_from or dt.date(end.year - 2 + (end.month == 12), end.month % 12 + 1, 1)
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def table_new_cases(numbers, filters, today) -> Table:
    months = _months(numbers, filters, today)
    return _one_column(
        "new-cases",
        _("New cases per month"),
        _("Month of intake"),
        months,
        months,
        numbers["new_cases"],
        _("New cases"),
    )


def table_closed(numbers) -> Table:
    return _choices_table(
        "closed",
        _("Cases closed, by reason"),
        _("Reason"),
        ClosureReason.choices,
        numbers["closed"],
        _("Cases closed"),
    )


REFERRAL_COLUMNS = ("accepted", "declined", "unanswered")


def table_referrals(numbers, protection: Protection = PERTURBED) -> Table:
    counts, medians = numbers["referrals"], numbers["referral_median_days"]
    pairs = sorted(counts)
    cells = [[counts[pair][c] for c in REFERRAL_COLUMNS] for pair in pairs]
    minimum = MEDIAN_MIN_COUNT if protection.perturbed else SMALL
    table = Table(
        slug="referrals",
        title=_("Referrals between kinds of organisation"),
        row_header=_("From → to"),
        row_keys=[f"{a}>{b}" for a, b in pairs],
        row_labels=[f"{_kind_label(a)} → {_kind_label(b)}" for a, b in pairs],
        column_labels=[_("Accepted"), _("Declined"), _("Not answered")],
        cells=cells,
        row_totals=True,
        total_label=_("All referrals"),
        extra_label=_("Median days to answer"),
        note=_(
            "The total of a row is the referrals sent. A median is shown only when at least "
            "%(n)s referrals were answered."
        )
        % {"n": minimum},
    )
    table.extra = [
        _format_median(medians.get(pair), tally_add(row[0], row[1]), protection, minimum)
        for pair, row in zip(pairs, cells, strict=True)
    ]
    return table


def _format_median(median: float | None, answered, protection: Protection, minimum: int) -> str:
    if median is None or answered < minimum:
        return "—"
    if protection.perturbed:
        days = perturb_median(median, answered)
        return "—" if days is None else number_format(days)
    return number_format(median, decimal_pos=1 if median % 1 else 0)


VISIT_BUCKETS = ("done_on_time", "done_late", "missed", "overdue")


def table_visits(numbers) -> Table:
    labels = [_("Done on time"), _("Done late"), _("Missed"), _("Overdue (not yet done)")]
    return _one_column(
        "visits",
        _("Follow-up visits due"),
        _("Visit"),
        VISIT_BUCKETS,
        labels,
        numbers["visits"],
        _("Visits"),
        total_label=_("Visits due"),
        note=_("Visits whose date has passed. On time: done within %(days)s days of the date.")
        % {"days": selectors.ON_TIME_DAYS},
    )


def table_wellbeing(numbers) -> Table:
    counts = numbers["wellbeing"]
    dimensions = ("safety", "health", "family_acceptance", "community_acceptance")
    labels = [_("Safety"), _("Health"), _("Family acceptance"), _("Community acceptance")]
    return Table(
        slug="wellbeing",
        title=_("Wellbeing at follow-up visits"),
        row_header=_("Rated"),
        row_keys=list(dimensions),
        row_labels=labels,
        column_labels=[str(label) for label in Rating.labels],
        cells=[[counts.get((d, r), 0) for r in Rating.values] for d in dimensions],
        row_totals=True,
        column_totals=False,  # each row is a different question: a column sum means nothing
        note=_("Visits done in the period, by the rating the social worker recorded."),
    )


INCOME_COLUMNS = (
    selectors.NO_INCOME_RECORDED,
    selectors.INCOME_LOW,
    selectors.INCOME_MIDDLE,
    selectors.INCOME_HIGH,
)


def table_livelihood(numbers) -> Table:
    counts = numbers["livelihood"]
    keys = [*SchoolOrWork.values, ""]
    labels = [*(str(label) for label in SchoolOrWork.labels), _("Not recorded")]
    low, high = (number_format(v, force_grouping=True) for v in selectors.INCOME_BANDS)
    return Table(
        slug="livelihood",
        title=_("School, work and monthly income at follow-up visits"),
        row_header=_("School or work"),
        row_keys=keys,
        row_labels=labels,
        column_labels=[
            _("Income not recorded"),
            _("Under %(low)s riel") % {"low": low},
            _("%(low)s to %(high)s riel") % {"low": low, "high": high},
            _("%(high)s riel or more") % {"high": high},
        ],
        cells=[[counts.get((k, band), 0) for band in INCOME_COLUMNS] for k in keys],
        row_totals=True,
    )


def table_risk(numbers) -> Table:
    return _one_column(
        "risk",
        _("Signs of risk at follow-up visits"),
        _("Risk"),
        ("flagged", "signs_noted", "none"),
        [_("Risk of re-trafficking"), _("Other signs of risk noted"), _("No sign of risk")],
        numbers["risk"],
        _("Visits"),
        total_label=_("Visits done"),
    )


def table_plans(numbers) -> Table:
    counts = numbers["plan_decisions"]
    statuses = (ApprovalStatus.APPROVED, ApprovalStatus.RETURNED)
    return Table(
        slug="plans",
        title=_("Reintegration plans and closures decided"),
        row_header=_("Request"),
        row_keys=list(ApprovalKind.values),
        row_labels=[str(label) for label in ApprovalKind.labels],
        column_labels=[_("Approved"), _("Returned for changes")],
        cells=[[counts.get((k, s), 0) for s in statuses] for k in ApprovalKind.values],
        row_totals=True,
        note=_("Decisions of supervisors in the period."),
    )


def table_services(numbers) -> Table:
    counts = numbers["services_delivered"]
    return Table(
        slug="services",
        title=_("Services delivered, by domain of the plan and provider"),
        row_header=_("Domain"),
        row_keys=list(Domain.values),
        row_labels=[str(label) for label in Domain.labels],
        column_labels=[str(label) for label in ProviderKind.labels],
        cells=[[counts.get((d, p), 0) for p in ProviderKind.values] for d in Domain.values],
        row_totals=True,
    )


def table_recommendations(numbers) -> Table:
    counts = numbers["recommendations"]
    keys = [
        (Recommendation.RETURN, ""),
        (Recommendation.RETURN_WITH_CONDITIONS, ""),
        *((Recommendation.ALTERNATIVE, option) for option in AlternativeOption.values),
    ]
    labels = [
        Recommendation.RETURN.label,
        Recommendation.RETURN_WITH_CONDITIONS.label,
        *(
            _("Alternative option: %(option)s") % {"option": AlternativeOption(o).label}
            for o in AlternativeOption.values
        ),
    ]
    return _one_column(
        "recommendations",
        _("Family assessments before return, by recommendation"),
        _("Recommendation"),
        [f"{r}:{o}" for r, o in keys],
        labels,
        {f"{r}:{o}": counts.get((r, o), 0) for r, o in keys},
        _("Family assessments"),
    )


def table_livelihood_after_return(numbers, protection: Protection = PERTURBED) -> Table:
    data = numbers["livelihood_after_return"]
    months = selectors.LIVELIHOOD_MONTHS
    cells = [[data["counts"][(m, True)], data["counts"][(m, False)]] for m in months]
    table = Table(
        slug="livelihood-outcomes",
        title=_("Work or training and income after return"),
        row_header=_("Follow-up visit"),
        row_keys=list(months),
        row_labels=[_("%(months)s months after return") % {"months": m} for m in months],
        column_labels=[_("In work or training"), _("Not in work or training")],
        cells=cells,
        row_totals=True,
        column_totals=False,
        extra_label=_("Share in work or training · median monthly income (riel)"),
        note=_("Visits done in the period at 6 and 12 months after return."),
    )
    table.apply(protection)
    table.extra = [
        _share_and_income(table, row, data["medians"].get(m), data["incomes_recorded"][m])
        for m, row in zip(months, cells, strict=True)
    ]
    return table


def _share_and_income(table: Table, row, median, recorded) -> str:
    """The share from the counts as shown (so page, CSV and chart agree) and the median income,
    perturbed like every figure of a ministry's dashboard."""
    working, total = table.shown(row[0]), table.shown(tally_add(*row))
    share = "—" if not working or not total else f"{round(100 * working / total)}%"
    if median is None:
        income = "—"
    elif table.protection.perturbed:
        moved = perturb_income(median, recorded)
        income = "—" if moved is None else number_format(moved, force_grouping=True)
    else:
        income = number_format(round(median), force_grouping=True)
    return f"{share} · {income}"


RETURN_DIRECTIONS = (Direction.INTO_CAMBODIA, Direction.OUT_OF_CAMBODIA)


def _direction_labels() -> list[str]:
    return [_("Into Cambodia"), _("Out of Cambodia")]


def table_returns(numbers, protection: Protection = PERTURBED) -> Table:
    """Returns by the other country, in each direction, with the median days from
    identification to the journey: where survivors come home from, and go home to."""
    data = numbers["returns"]
    codes = sorted({code for _direction, code in data["by_country"]}, key=_country_name)
    cells = [[data["by_country"].get((d, code), 0) for d in RETURN_DIRECTIONS] for code in codes]
    minimum = MEDIAN_MIN_COUNT if protection.perturbed else SMALL
    table = Table(
        slug="returns",
        title=_("Cross-border returns, by country and direction"),
        row_header=_("Country"),
        row_keys=codes,
        row_labels=[_country_name(code) for code in codes],
        column_labels=_direction_labels(),
        cells=cells,
        row_totals=True,
        chart="cells",
        extra_label=_("Median days from identification to return"),
        note=_(
            "Returns on which the survivor travelled in the period. A median is shown only "
            "over at least %(n)s returns in one direction."
        )
        % {"n": minimum},
    )
    table.extra = [
        " · ".join(
            _format_median(data["median_days"].get((d, code)), count, protection, minimum)
            for d, count in zip(RETURN_DIRECTIONS, row, strict=True)
        )
        for code, row in zip(codes, cells, strict=True)
    ]
    return table


def _country_name(code: str) -> str:
    return countries.translate_pair(code).name


def table_returns_by_month(numbers, filters, today) -> Table:
    months = _months(numbers, filters, today)
    counts = numbers["returns"]["by_month"]
    return Table(
        slug="returns-by-month",
        title=_("Cross-border returns per month"),
        row_header=_("Month of travel"),
        row_keys=months,
        row_labels=months,
        column_labels=_direction_labels(),
        cells=[[counts.get((month, d), 0) for d in RETURN_DIRECTIONS] for month in months],
        row_totals=True,
    )


def dashboard_tables(
    scope: DashboardScope,
    filters: DashboardFilters,
    *,
    today: dt.date,
    protection: Protection | None = None,
    numbers: dict | None = None,
) -> list[Table]:
    """Every table of the dashboard, labelled, shown through the scope's protection (perturbed
    for ministries, exact for a supervisor's own organisation) unless told otherwise, from
    `numbers` when the caller has them."""
    protection = protection or protection_for(scope)
    if numbers is None:
        numbers = dashboard_numbers(scope, filters, today=today)
    if protection.too_few(population(numbers)):
        return []
    provinces = list(Province.objects.only("code", "name_en", "name_km").order_by("code"))
    organisations = dict(
        Organisation.objects.filter(pk__in=list(numbers["organisation"])).values_list("pk", "name")
    )
    tables = [
        table_province(numbers, provinces),
        table_organisation(numbers, organisations),
        table_phase(numbers),
        table_sex_age(numbers),
        table_exploitation(numbers),
        table_foreign_nationals(numbers, protection),
        table_new_cases(numbers, filters, today),
        table_referrals(numbers, protection),
        table_visits(numbers),
        table_wellbeing(numbers),
        table_livelihood(numbers),
        table_risk(numbers),
        table_closed(numbers),
        table_plans(numbers),
        table_services(numbers),
        table_recommendations(numbers),
        table_livelihood_after_return(numbers, protection),
        table_returns(numbers, protection),
        table_returns_by_month(numbers, filters, today),
    ]
    return [table.apply(protection) for table in tables]


def protection_for(scope: DashboardScope) -> Protection:
    """Supervisors may open every case of their organisation: their counts are exact. Every
    other dashboard is perturbed."""
    return EXACT if scope.kind == ORGANISATION else PERTURBED


def population(numbers) -> Tally:
    """The cases a view counts (every case indicator is a part of them)."""
    return tally_add(*numbers["province"].values())


TABLE_SLUGS = (
    "province",
    "organisation",
    "phase",
    "sex-age",
    "exploitation",
    "foreign-nationals",
    "new-cases",
    "referrals",
    "visits",
    "wellbeing",
    "livelihood",
    "risk",
    "closed",
    "plans",
    "services",
    "recommendations",
    "livelihood-outcomes",
    "returns",
    "returns-by-month",
)
