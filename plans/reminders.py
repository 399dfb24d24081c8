"""Reminders about the reintegration plan, sent by the follow-up reminders' mechanism (rows in
followup.Reminder, claimed and sent once): a plan action due, a plan review due, a request
waiting for a supervisor's decision. Each is written once, by the service that makes it due,
and its unsent rows are dropped by the service that ends it. The overdue ones also go to the
supervisors, as for visits.

A topic names what the reminder is about and the day it is due: "action:<pk>:<day>",
"review:<plan pk>:<day>", "approval:<pk>:<day asked>". Texts name only the case number."""

import datetime as dt

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from followup.models import Reminder, ReminderKind
from followup.services import reminder_due_times
from organisations.models import User

from .models import Action, ActionStatus, Approval, Plan

ACTION, REVIEW, APPROVAL = "action", "review", "approval"
# A request is recalled to the supervisors two days after it was made, and is overdue after
# seven, like a visit.
APPROVAL_DUE_AFTER_DAYS = 2


def _rows(case_id: int, topic: str, day: dt.date) -> list[Reminder]:
    times = reminder_due_times(day)
    return [
        Reminder(case_id=case_id, topic=topic, kind=kind, due_at=times[kind])
        for kind in (ReminderKind.DUE, ReminderKind.OVERDUE)
    ]


def _create(rows: list[Reminder]) -> None:
    # The unique (topic, kind) makes a second write of the same reminder a no-op.
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)


def _end(*prefixes: str) -> None:
    for prefix in prefixes:
        Reminder.objects.filter(topic__startswith=prefix).end()


def approved_plan_reminders(plan: Plan) -> None:
    """The approved plan's open actions and its next review; the replaced version's unsent
    reminders go."""
    for old in Plan.objects.filter(case_id=plan.case_id).exclude(pk=plan.pk):
        action_ids = Action.objects.filter(goal__plan=old).values_list("pk", flat=True)
        _end(f"{REVIEW}:{old.pk}:", *(f"{ACTION}:{pk}:" for pk in action_ids))
    rows = []
    actions = Action.objects.filter(
        goal__plan=plan, status__in=(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
    )
    for action in actions:
        rows += _rows(
            plan.case_id, f"{ACTION}:{action.pk}:{action.target_date}", action.target_date
        )
    rows += review_rows(plan)
    _create(rows)


def review_rows(plan: Plan) -> list[Reminder]:
    if plan.review_date is None:
        return []
    return _rows(plan.case_id, f"{REVIEW}:{plan.pk}:{plan.review_date}", plan.review_date)


def review_reminders_renew(plan: Plan) -> None:
    """After a review: the next one is due on the new date."""
    _end(f"{REVIEW}:{plan.pk}:")
    _create(review_rows(plan))


def action_reminders_end(action: Action) -> None:
    _end(f"{ACTION}:{action.pk}:")


def approval_reminders(approval: Approval) -> None:
    asked = timezone.localdate(approval.requested_at)
    topic = f"{APPROVAL}:{approval.pk}:{asked}"
    _create(_rows(approval.case_id, topic, asked + dt.timedelta(days=APPROVAL_DUE_AFTER_DAYS)))


def approval_reminders_end(approval: Approval) -> None:
    _end(f"{APPROVAL}:{approval.pk}:")


def plan_reminder_text(reminder: Reminder, recipient: User) -> str:
    """The message, in the recipient's language."""
    what, _pk, day = reminder.topic.split(":")
    overdue = reminder.kind == ReminderKind.OVERDUE
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        values = {
            "case": reminder.case.case_number,
            "date": formats.date_format(dt.date.fromisoformat(day), "j M Y"),
        }
        if what == ACTION:
            if overdue:
                return _("A plan action for case %(case)s was due on %(date)s and is overdue.") % (
                    values
                )
            return _("A plan action for case %(case)s is due on %(date)s.") % values
        if what == REVIEW:
            if overdue:
                return _("The plan review of case %(case)s was due on %(date)s and is overdue.") % (
                    values
                )
            return _("The plan of case %(case)s is due for review on %(date)s.") % values
        if overdue:
            return _("A request for case %(case)s has waited for a decision since %(date)s.") % (
                values
            )
        return _("A request for case %(case)s is waiting for a decision since %(date)s.") % values
