"""My work for today: everything that waits on a person, in one list, most urgent first.

Every kind of item is one part of a single UNION ALL query that returns bare rows (kind, due
date, case, object, a word of detail) over the person's own open cases, ordered, cut to the most
urgent and counted by the database; the survivors turning 18 (a few rows, their birthday worked
out in Python) are a second query. The page runs the same queries whatever the caseload; only
the most urgent rows become links, and the rest are counted.

Why not a stored next-due date per case: for a busy worker most open cases have something
due (at 200,000 cases the busiest worker of a 20,000-case organisation has 3,932 open cases
and about 4,000 items: 1,409 visits, 1,515 actions, 667 reviews, 406 referrals), so a stored
date would narrow little, while keeping it right would fall on every write of visits, plans,
actions, reviews, consents, assignments and phases, and their admin; and "due within a week"
moves every day, so a stored count would not hold either. What costs the time is reading each
open case once per kind of item. The parts over the person's cases start from the cases and
join their items, every step read from an index alone: the cases with their numbers
(`open_cases_by_worker`), their visits (`visits_of_case`), the plan in force with its review
date (`one_approved_plan_per_case`), its goals (`goals_of_plan`) and the actions still to do
(`actions_to_do`); a case is looked up once per part, never to match it and again for its
number, and no table row is read but an action's words."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import (
    CharField,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CaseEvent, EventKind, adult_on
from cases.permissions import active_membership
from cases.selectors import open_cases_assigned_to
from followup.models import VisitStatus
from referrals.models import Referral, Status

from .models import ActionStatus, ApprovalKind, Plan, PlanStatus
from .permissions import can_decide_approvals
from .selectors import approvals_waiting

SOON_DAYS = 7
CONSENT_DAYS = 30
TURNING_18_DAYS = 60
NEW_ASSIGNMENT_DAYS = 7
# Rows shown as links; the rest of the work is counted (a busy worker's thousands of items
# would cost the page a row each, and nobody reads past the first screens).
SHOWN = 100
# Later than any moment a queue holds: where `_first_days` splits a queue it lists whole.
NEVER = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)

# Kinds, in the order of urgency among items due the same day.
VISIT, ACTION, REVIEW, REFERRAL, RETURNED, APPROVAL, CONSENT, TURNING_18, ASSIGNED = (
    "visit", "action", "review", "referral", "returned", "approval", "consent", "turning_18",
    "assigned",
)  # fmt: skip
ORDER = [VISIT, ACTION, REVIEW, REFERRAL, RETURNED, APPROVAL, CONSENT, TURNING_18, ASSIGNED]
COLUMNS = ("w_kind", "w_due", "w_case", "w_number", "w_object", "w_detail")
# Most urgent first: the earliest due, then by kind (`ORDER`), then by case number. The
# database orders its part of the list by these columns, Python merges the rest by the same.
URGENCY = ("w_due", "w_kind", "w_number")


@dataclass(frozen=True)
class WorkItem:
    kind: str
    due: dt.date
    case_pk: int
    case_number: str
    text: str
    url: str
    overdue: bool


@dataclass(frozen=True)
class Work:
    """The most urgent items and how many there are in all."""

    items: list[WorkItem]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def my_work(user, *, today: dt.date | None = None, shown: int | None = None) -> Work:
    today = today or timezone.localdate()
    shown = SHOWN if shown is None else shown
    # The person's open cases, worked out once (the sharing rules are not cheap to build).
    mine = open_cases_assigned_to(user)
    dated, total = _most_urgent(*_rows(user, mine, today, shown), shown)
    # A survivor turning 18 is due on her birthday, worked out in Python (29 February): these
    # few rows (60 days of birthdays) are merged with the most urgent of the rest.
    turning = [_row(*row) for row in _turning_18(mine, today).values_list(*COLUMNS)]
    rows = sorted([*dated, *turning], key=_urgency)
    url = _Urls()
    items = [_item(*row, today=today, url=url) for row in rows[:shown]]
    return Work(items=items, total=total + len(turning))


def _most_urgent(rows: QuerySet, counted: list[QuerySet], shown: int) -> tuple[list[tuple], int]:
    """The first `shown` rows in order of urgency, and how many rows there are: ordered,
    cut and counted by the database, which then sends a page's worth of rows instead of a
    busy worker's thousands. `counted` are the items of the organisation's queues that
    `_rows` left out as later than any the list can show: counted, not read."""
    sql, params = rows.query.sql_with_params()
    # Case numbers compare as Python compares them (`_urgency`), whatever the database's
    # collation.
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    order = ", ".join(f"{c}{collate}" if c == "w_number" else c for c in URGENCY)
    total, total_params = "COUNT(*) OVER ()", []
    for i, later in enumerate(counted):
        later_sql, later_params = later.values("pk").order_by().query.sql_with_params()
        total += f" + (SELECT COUNT(*) FROM ({later_sql}) AS later_{i})"  # noqa: S608
        total_params += later_params
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(COLUMNS)}, {total} FROM ({sql}) AS my_work "  # noqa: S608
            f"ORDER BY {order} LIMIT %s",
            (*total_params, *params, shown),
        )
        fetched = cursor.fetchall()
    total = fetched[0][-1] if fetched else 0
    return [_row(kind, _date(due), *rest) for kind, due, *rest, _total in fetched], total


def _urgency(row: tuple) -> tuple:
    """A row's place in the order of `URGENCY`, as `_row` gives it (its kind named)."""
    values = dict(zip(COLUMNS, row, strict=True))
    values["w_kind"] = ORDER.index(values["w_kind"])
    return tuple(values[column] for column in URGENCY)


def _date(value) -> dt.date:
    """A date as the database gives it to a plain cursor (SQLite: text)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _turning_18(mine: QuerySet, today: dt.date) -> QuerySet:
    return _part(
        mine.filter(
            minor_at_intake=True,
            date_of_birth__lte=_years_before(today + dt.timedelta(days=TURNING_18_DAYS), 18),
            date_of_birth__gt=_years_before(today, 18) - dt.timedelta(days=1),
        ),
        TURNING_18, due=F("date_of_birth"), case="pk", number="case_number", obj="pk",
    )  # fmt: skip


def _part(queryset, kind, *, due, case, number, obj, detail=None) -> QuerySet:
    return (
        queryset.annotate(
            w_kind=Value(ORDER.index(kind), output_field=IntegerField()),
            w_due=due,
            w_case=F(case),
            w_number=F(number),
            w_object=F(obj),
            w_detail=Cast(detail or Value(""), output_field=CharField()),
        )
        .values_list(*COLUMNS)
        .order_by()
    )


def _day_of(moment: str) -> TruncDate:
    """The day, in Phnom Penh, an item stamped with a moment is due: a returned plan, a
    referral waiting, an approval waiting. `_first_days` splits the queues on the same day."""
    return TruncDate(moment, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _first_days(queue: QuerySet, moment: str, shown: int) -> tuple[QuerySet, QuerySet]:
    """An organisation's queue (referrals waiting for an answer, approvals waiting), due on
    the day of its `moment`, split where a later day begins after its `shown`-th oldest
    item: the items up to then, which hold every one of the queue the list can show (the
    list goes by day, then by case number), and the later ones, to be counted only. A busy
    organisation's queue then costs the list its first items, each read from an index and
    joined to its case, instead of every item: 2,146 referrals waited at the 20,000-case
    NGO at 1,000,000 cases. The split falls on the first moment of a later day, so it is
    right whatever the clock does between days."""
    if shown < 1:
        return queue.none(), queue
    day = _day_of(moment)
    ordered = queue.order_by(moment, "pk")
    last_day = ordered.annotate(w_day=day).values("w_day")[shown - 1 : shown]
    later = ordered.alias(w_day=day).filter(w_day__gt=Subquery(last_day)).values(moment)[:1]
    # None later than the last day (or fewer items than shown): the whole queue is listed.
    split = Coalesce(Subquery(later), Value(NEVER), output_field=DateTimeField())
    return queue.filter(**{f"{moment}__lt": split}), queue.filter(**{f"{moment}__gte": split})


def _rows(user, mine: QuerySet, today: dt.date, shown: int) -> tuple[QuerySet, list[QuerySet]]:
    """Every kind of item but the turning 18 (`_turning_18`), as one UNION ALL, and the
    items of the organisation's queues too late to be shown, to be counted
    (`_first_days`)."""
    soon = today + dt.timedelta(days=SOON_DAYS)
    # The parts over the person's own cases start from those cases and join their items: the
    # case number comes from the same row (a covering index) and each case is looked up once
    # per part, instead of once to match it and once more for its number.
    part = _part
    parts = [
        part(
            mine.filter(
                followup_visits__status=VisitStatus.PLANNED,
                followup_visits__scheduled_for__lte=soon,
            ),
            VISIT, due=F("followup_visits__scheduled_for"), case="pk", number="case_number",
            obj="followup_visits__pk",
        ),
        part(
            mine.filter(
                plans__status=PlanStatus.APPROVED,
                plans__goals__actions__status__in=(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS),
                plans__goals__actions__target_date__lte=soon,
            ),
            ACTION, due=F("plans__goals__actions__target_date"), case="pk", number="case_number",
            obj="plans__goals__actions__pk", detail=F("plans__goals__actions__what"),
        ),
        part(
            mine.filter(plans__status=PlanStatus.APPROVED, plans__review_date__lte=soon),
            REVIEW, due=F("plans__review_date"), case="pk", number="case_number",
            obj="plans__pk",
        ),
        part(
            Plan.objects.filter(status=PlanStatus.RETURNED, submitted_by=user),
            RETURNED, due=_day_of("updated_at"), case="case_id",
            number="case__case_number", obj="pk",
        ),
        part(
            mine.filter(
                consents__withdrawn_on__isnull=True,
                consents__expires_on__gte=today,
                consents__expires_on__lte=today + dt.timedelta(days=CONSENT_DAYS),
            ),
            CONSENT, due=F("consents__expires_on"), case="pk", number="case_number",
            obj="consents__pk",
        ),
        part(
            mine.filter(
                Exists(
                    CaseEvent.objects.filter(
                        case=OuterRef("pk"),
                        kind=EventKind.ASSIGNED,
                        occurred_at__gte=timezone.now() - dt.timedelta(days=NEW_ASSIGNMENT_DAYS),
                    )
                )
            ),
            ASSIGNED, due=Value(today, output_field=DateField()), case="pk",
            number="case_number", obj="pk",
        ),
    ]  # fmt: skip
    membership, counted = active_membership(user), []
    if membership is not None:
        waiting, later = _first_days(
            Referral.objects.filter(
                to_organisation_id=membership.organisation_id, status=Status.SENT
            ),
            "sent_at",
            shown,
        )
        counted.append(later)
        parts.append(
            part(
                waiting,
                REFERRAL,
                due=_day_of("sent_at"),
                case="case_id",
                number="case__case_number",
                obj="pk",
            )  # fmt: skip
        )
    if membership is not None and can_decide_approvals(user):
        waiting, later = _first_days(
            approvals_waiting(organisation_id=membership.organisation_id)
            .exclude(requested_by=user)
            .select_related(None)
            .order_by(),
            "requested_at",
            shown,
        )
        counted.append(later)
        parts.append(
            part(
                waiting,
                APPROVAL,
                due=_day_of("requested_at"),
                case="case_id",
                number="case__case_number",
                obj="pk",
                detail=F("kind"),
            )  # fmt: skip
        )
    return parts[0].union(*parts[1:], all=True), counted


def _row(kind: int, due: dt.date, case_pk: int, number: str, obj: int, detail: str) -> tuple:
    kind = ORDER[kind]
    if kind == TURNING_18:
        due = adult_on(due)
    return kind, due, case_pk, number, obj, detail


def _item(kind, due, case_pk, number, obj, detail, *, today, url) -> WorkItem:
    text, link = _TEXTS[kind](obj, case_pk, detail, url)
    return WorkItem(kind, due, case_pk, number, text, link, due < today)


class _Urls:
    """Each kind's URL reversed once for the whole list, then filled with each row's id (a
    hundred reversals cost the page more than its rows)."""

    SLOT = "2147483647"

    def __init__(self):
        self._made: dict[str, tuple[str, str]] = {}

    def __call__(self, name: str, pk: int) -> str:
        if name not in self._made:
            before, _slot, after = reverse(name, args=[self.SLOT]).partition(self.SLOT)
            self._made[name] = (before, after)
        before, after = self._made[name]
        return f"{before}{pk}{after}"


_TEXTS = {
    VISIT: lambda obj, _c, _d, url: (_("Follow-up visit"), url("followup:visit", obj)),
    ACTION: lambda _o, case, what, url: (
        _("Plan action: %(what)s") % {"what": what},
        url("plans:plan", case),
    ),
    REVIEW: lambda _o, case, _d, url: (_("Plan review"), url("plans:plan", case)),
    REFERRAL: lambda obj, _c, _d, url: (
        _("Referral waiting for an answer"),
        url("referrals:detail", obj),
    ),
    RETURNED: lambda _o, case, _d, url: (_("Plan returned to you"), url("plans:edit", case)),
    APPROVAL: lambda _o, case, kind, url: (
        _("Waiting for your approval: %(what)s") % {"what": ApprovalKind(kind).label},
        url("plans:plan", case),
    ),
    CONSENT: lambda _o, case, _d, url: (_("Consent expires"), url("cases:detail", case)),
    TURNING_18: lambda _o, case, _d, url: (
        _("Turns 18: ask for her own consent"),
        url("cases:detail", case),
    ),
    ASSIGNED: lambda _o, case, _d, url: (
        _("Newly assigned to you"),
        url("cases:detail", case),
    ),
}


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return dt.date(day.year - years, 2, 28)
