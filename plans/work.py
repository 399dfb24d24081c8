"""My work for today: everything that waits on a person, in one list, most urgent first.

Each kind of item is one query over the person's own cases (the cases assigned to them that
they may open), so the page costs the same whatever the caseload."""

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Consent, EventKind, Phase
from cases.permissions import active_membership
from cases.selectors import case_list_visible_to
from followup.models import FollowUpVisit, VisitStatus
from referrals.models import Referral, Status

from .models import Action, ActionStatus, Plan, PlanStatus
from .permissions import can_decide_approvals
from .selectors import approvals_waiting

SOON_DAYS = 7
CONSENT_DAYS = 30
TURNING_18_DAYS = 60
NEW_ASSIGNMENT_DAYS = 7

# Kinds, in the order of urgency among items due the same day.
VISIT, ACTION, REVIEW, REFERRAL, RETURNED, APPROVAL, CONSENT, TURNING_18, ASSIGNED = (
    "visit", "action", "review", "referral", "returned", "approval", "consent", "turning_18",
    "assigned",
)  # fmt: skip
ORDER = [VISIT, ACTION, REVIEW, REFERRAL, RETURNED, APPROVAL, CONSENT, TURNING_18, ASSIGNED]


@dataclass(frozen=True)
class WorkItem:
    kind: str
    due: dt.date
    case_pk: int
    case_number: str
    text: str
    url: str
    overdue: bool


def my_work(user, *, today: dt.date | None = None) -> list[WorkItem]:
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=SOON_DAYS)
    items: list[WorkItem] = []
    mine = case_list_visible_to(user).filter(assigned_worker=user).exclude(phase=Phase.CLOSED)
    mine_ids = mine.values("pk")

    def add(kind, due, case, text, url):
        items.append(WorkItem(kind, due, case.pk, case.case_number, text, url, due < today))

    visits = FollowUpVisit.objects.filter(
        case__in=mine_ids, status=VisitStatus.PLANNED, scheduled_for__lte=soon
    ).select_related("case")
    for visit in visits:
        add(VISIT, visit.scheduled_for, visit.case, _("Follow-up visit"),
            reverse("followup:visit", args=[visit.pk]))  # fmt: skip
    actions = Action.objects.filter(
        goal__plan__case__in=mine_ids,
        goal__plan__status=PlanStatus.APPROVED,
        status__in=(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS),
        target_date__lte=soon,
    ).select_related("goal__plan__case")
    for action in actions:
        case = action.goal.plan.case
        add(ACTION, action.target_date, case, _("Plan action: %(what)s") % {"what": action.what},
            reverse("plans:plan", args=[case.pk]))  # fmt: skip
    reviews = Plan.objects.filter(
        status=PlanStatus.APPROVED, review_date__lte=soon, case__in=mine_ids
    ).select_related("case")
    for plan in reviews:
        add(REVIEW, plan.review_date, plan.case, _("Plan review"),
            reverse("plans:plan", args=[plan.case.pk]))  # fmt: skip
    membership = active_membership(user)
    if membership is not None:
        waiting = Referral.objects.filter(
            to_organisation_id=membership.organisation_id, status=Status.SENT
        ).select_related("case")
        for referral in waiting:
            add(REFERRAL, timezone.localtime(referral.sent_at).date(), referral.case,
                _("Referral waiting for an answer"),
                reverse("referrals:detail", args=[referral.pk]))  # fmt: skip
    returned = Plan.objects.filter(status=PlanStatus.RETURNED, submitted_by=user).select_related(
        "case"
    )
    for plan in returned:
        add(RETURNED, timezone.localtime(plan.updated_at).date(), plan.case,
            _("Plan returned to you"), reverse("plans:edit", args=[plan.case.pk]))  # fmt: skip
    if can_decide_approvals(user):
        for approval in approvals_waiting(organisation_id=membership.organisation_id):
            if approval.requested_by_id != user.pk:
                add(APPROVAL, timezone.localtime(approval.requested_at).date(), approval.case,
                    _("Waiting for your approval: %(what)s")
                    % {"what": approval.get_kind_display()},
                    reverse("plans:plan", args=[approval.case.pk]))  # fmt: skip
    consents = Consent.objects.filter(
        case__in=mine_ids,
        withdrawn_on__isnull=True,
        expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=CONSENT_DAYS),
    ).select_related("case")
    for consent in consents:
        add(CONSENT, consent.expires_on, consent.case, _("Consent expires"),
            reverse("cases:detail", args=[consent.case.pk]))  # fmt: skip
    horizon = today + dt.timedelta(days=TURNING_18_DAYS)
    # Born up to 18 years before the horizon and not before 18 years ago: turning 18 within it.
    for case in mine.filter(
        minor_at_intake=True,
        date_of_birth__lte=_years_before(horizon, 18),
        date_of_birth__gt=_years_before(today, 18) - dt.timedelta(days=1),
    ):
        add(TURNING_18, case.adult_on, case, _("Turns 18: ask for her own consent"),
            reverse("cases:detail", args=[case.pk]))  # fmt: skip
    since = timezone.now() - dt.timedelta(days=NEW_ASSIGNMENT_DAYS)
    assigned = mine.filter(events__kind=EventKind.ASSIGNED, events__occurred_at__gte=since)
    for case in assigned.distinct():
        add(ASSIGNED, today, case, _("Newly assigned to you"),
            reverse("cases:detail", args=[case.pk]))  # fmt: skip
    return sorted(items, key=lambda item: (item.due, ORDER.index(item.kind), item.case_number))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return dt.date(day.year - years, 2, 28)
