"""When each thing in a demo case happened, so that its timeline reads as the case went: the
registration on the intake date, the phases in the order the survivor took them, each
counselling session and visit on its day, the handover and the closure after the work they
follow. What workers record falls in office hours in Phnom Penh (on the seed's own day, in
the part of it already past): nothing is later than the seed's now.

Planned once the cases and their referrals are, with draws of their own, so the caseload is
the same with or without them; then stamped on what the services write (`happened_at`).
"""

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from django.utils import timezone

from cases.models import CaseEvent, ConsentPurpose, Phase
from plans.work import NEW_ASSIGNMENT_DAYS

from .data import (
    CLOSED_AFTER_DAYS,
    OFFICE_HOURS,
    PLAN_DECIDED_WITHIN_DAYS,
    PLANNING_BEFORE_RETURN_DAYS,
    QUICK_MOVE_DAYS,
)
from .planning import CasePlan


@dataclass(frozen=True)
class Clock:
    """The seed's now, and moments of the days up to it."""

    now: dt.datetime

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    def at(self, day: dt.date, fraction: float) -> dt.datetime:
        """The moment `fraction` (0 to 1) of the way through the office hours of `day`; on the
        seed's own day, through the part of it already past, so that later fractions stay later
        and none is after now."""
        if day > self.today:
            raise ValueError(f"{day} is after the seed's day, {self.today}.")
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(OFFICE_HOURS[0])))
        end = timezone.make_aware(dt.datetime.combine(day, dt.time(OFFICE_HOURS[1])))
        if day == self.today:
            midnight = timezone.make_aware(dt.datetime.combine(day, dt.time()))
            end = min(end, self.now)
            start = min(start, midnight + (end - midnight) / 2)
        return start + (end - start) * fraction


class Moment(NamedTuple):
    """A day and how far through its office hours: moments of a case compare as they happen."""

    day: dt.date
    fraction: float


@dataclass(frozen=True)
class PlanWork:
    """When the reintegration plan was worked on: the needs assessment the day planning
    began, the family and the community met, the plan submitted and decided on in the last
    weeks of planning, and its first service delivered before the survivor went home."""

    assessed_on: dt.date
    family_visited_on: dt.date
    community_met_on: dt.date
    submitted_at: dt.datetime
    decided_at: dt.datetime
    delivered_on: dt.date


@contextmanager
def happened_at(moment: dt.datetime) -> Iterator[None]:
    """Every timeline line the services write inside happened at `moment`."""
    last = CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    yield
    CaseEvent.objects.filter(pk__gt=last).update(occurred_at=moment)


def closing_step(plan: CasePlan) -> dict | None:
    """The step that closes the case for good, if it is closed: it comes last."""
    last = plan.steps[-1] if plan.steps else None
    return last if last is not None and last["closure_reason"] else None


def referral_moments(plan: CasePlan) -> list[dt.datetime]:
    return [
        moment
        for referral in plan.referrals
        for moment in (
            referral.sent_at,
            referral.answered_at,
            referral.started_at,
            referral.completed_at,
        )
        if moment is not None
    ]


class CaseDater:
    def __init__(self, rng: random.Random, clock: Clock):
        self.rng = rng
        self.clock = clock
        self.today = clock.today

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))

    def on(self, day: dt.date) -> Moment:
        return Moment(day, self.rng.random())

    def after(self, previous: Moment, day: dt.date) -> Moment:
        """A moment on `day` later than `previous`: on the day of `previous` if that is later."""
        if day > previous.day:
            return self.on(day)
        rest = 1 - previous.fraction
        return Moment(previous.day, previous.fraction + rest * self.rng.uniform(0.05, 0.5))

    def at(self, moment: Moment) -> dt.datetime:
        return self.clock.at(moment.day, moment.fraction)

    def date(self, plan: CasePlan) -> None:
        """Date the case's registration, phase moves, plan, consents, sessions, handover and
        closure. The worker who registered the case does everything up to the handover."""
        intake = plan.case["intake_date"]
        registered = Moment(intake, self.rng.uniform(0, 0.25))
        closing = closing_step(plan)
        moves = plan.steps[:-1] if closing else plan.steps
        sessions = [self.on_or_after(registered, s["session_date"]) for s in plan.sessions]
        consents = [self.consent_moment(registered, consent) for consent in plan.consents]
        if closing:
            end = self.closure_day(plan, sessions, consents)
        elif plan.handover:
            # Handed over in the last days, so the new worker finds it among the newly assigned.
            recent = self.today - dt.timedelta(days=NEW_ASSIGNMENT_DAYS - 1)
            end = self.date_between(max(intake, recent), self.today)
        else:
            end = self.today
        latest = worked = self.path(plan, moves, registered, end)
        if plan.handover:
            day = self.date_between(worked.day, end) if closing else end
            latest = self.after(worked, day)
            plan.handed_over_at = self.at(latest)
        if closing:
            latest = max([latest, *sessions, *consents])
            closing["at"] = self.at(self.after(latest, end))
        plan.registered_at = self.at(registered)
        for session, moment in zip(plan.sessions, sessions, strict=True):
            session["at"] = self.at(moment)
        for consent, moment in zip(plan.consents, consents, strict=True):
            consent["at"] = self.before_referrals(plan, self.at(moment))

    def on_or_after(self, registered: Moment, day: dt.date) -> Moment:
        return self.after(registered, day) if day == registered.day else self.on(day)

    def consent_moment(self, registered: Moment, consent: dict) -> Moment:
        """Consent to services is recorded as the case is registered; other consent the day
        it was given."""
        if consent["purpose"] == ConsentPurpose.SERVICES and consent["given_on"] == registered.day:
            return registered
        return self.on_or_after(registered, consent["given_on"])

    def before_referrals(self, plan: CasePlan, moment: dt.datetime) -> dt.datetime:
        """A consent given the day a referral relies on it is recorded before it is sent."""
        day = timezone.localdate(moment)
        sent = [r.sent_at for r in plan.referrals if timezone.localdate(r.sent_at) == day]
        if sent and min(sent) <= moment:
            return min(sent) - dt.timedelta(minutes=self.rng.randint(5, 30))
        return moment

    def closure_day(
        self, plan: CasePlan, sessions: list[Moment], consents: list[Moment]
    ) -> dt.date:
        """Some days after the last counselling session, referral, consent or return."""
        days = [plan.case["intake_date"], *(moment.day for moment in [*sessions, *consents])]
        days += [timezone.localdate(moment) for moment in referral_moments(plan)]
        if plan.reintegrated_on:
            days.append(plan.reintegrated_on)
        after = max(days) + dt.timedelta(days=self.rng.randint(*CLOSED_AFTER_DAYS))
        return min(after, self.today)

    def path(self, plan: CasePlan, moves: list[dict], registered: Moment, end: dt.date) -> Moment:
        """Date each move of the case up to `end`, and the plan's work after the last move
        to reintegration planning; the moment the last of them was done."""
        days = self.move_days(plan, moves, end)
        planned = max(
            (i for i, step in enumerate(moves) if step["to_phase"] == Phase.REINTEGRATION_PLANNING),
            default=None,
        )
        latest = registered
        for index, (step, day) in enumerate(zip(moves, days, strict=True)):
            latest = self.after(latest, day)
            step["at"] = self.at(latest)
            if index == planned:
                until = days[index + 1] if index + 1 < len(days) else end
                plan.plan_work, latest = self.plan_work(latest, until)
        return latest

    def move_days(self, plan: CasePlan, moves: list[dict], end: dt.date) -> list[dt.date]:
        """The days of the moves, in order: the quick ones some days after the move before,
        reintegration on its day, the others spread over the time before it (or before
        `end`)."""
        intake, returned = plan.case["intake_date"], plan.reintegrated_on
        last = min(end, returned) if returned else end
        spread_until = last
        if returned:
            spread_until = max(intake, returned - dt.timedelta(days=PLANNING_BEFORE_RETURN_DAYS))
        pairs = list(pairwise([plan.case["phase"], *(step["to_phase"] for step in moves)]))
        spread = sum(
            1 for pair in pairs if pair[1] != Phase.REINTEGRATED and pair not in QUICK_MOVE_DAYS
        )
        days, previous = [], intake
        for pair in pairs:
            if pair[1] == Phase.REINTEGRATED:
                day = returned
            elif pair in QUICK_MOVE_DAYS:
                day = previous + dt.timedelta(days=self.rng.randint(*QUICK_MOVE_DAYS[pair]))
            else:
                # About one share of the time left for each move still to come.
                share = max(spread_until - previous, dt.timedelta()) * 2 / (spread + 1)
                day = self.date_between(previous, previous + share)
                spread -= 1
            previous = min(max(day, previous), last)
            days.append(previous)
        return days

    def plan_work(self, begun: Moment, until: dt.date) -> tuple[PlanWork, Moment]:
        lately = max(begun.day, until - dt.timedelta(days=PLAN_DECIDED_WITHIN_DAYS))
        submitted = self.after(begun, self.date_between(lately, until))
        decided = self.after(submitted, self.date_between(submitted.day, until))
        work = PlanWork(
            assessed_on=begun.day,
            family_visited_on=self.date_between(begun.day, submitted.day),
            community_met_on=self.date_between(begun.day, submitted.day),
            submitted_at=self.at(submitted),
            decided_at=self.at(decided),
            delivered_on=self.date_between(decided.day, until),
        )
        return work, decided


def plan_moments(plans: list[CasePlan], clock: Clock, seed: int) -> None:
    dater = CaseDater(random.Random(f"{seed}:moments"), clock)
    for plan in plans:
        dater.date(plan)
