"""Referrals between the demo organisations.

Planned once the cases are, with draws of their own, so the caseload is the same with or
without them; then sent and answered through the referral services by the workers of both
organisations, each on a case still open, and dated to the days the plan says they happened.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from cases.models import (
    Case,
    ClosureReason,
    ConsentGiver,
    ConsentPurpose,
    HivStatus,
    Phase,
    Sex,
)
from cases.models import adult_on as eighteenth_birthday
from cases.services import ADULT_AGE, age_on, consent_record
from cases.visibility import HEALTH_SERVICES
from organisations.models import Organisation, Role, User
from referrals.models import Referral, Service, Status, Urgency
from referrals.services import (
    referral_accept,
    referral_access_expire_due,
    referral_complete,
    referral_decline,
    referral_send,
    referral_start,
)

from .data import (
    AFTER_RETURN_SERVICES,
    ANSWER_AFTER_DAYS,
    ANSWERS,
    CHILD_ASSENT_SHARE,
    CLOSED_CASE_ANSWERS,
    CLOSED_CASE_REFERRED_BEFORE,
    DECLINE_REASONS,
    HIV_POSITIVE_CARE_WEIGHT,
    HIV_TESTING_REASON,
    HIV_TESTING_WEIGHT,
    HIV_TREATMENT_REASON,
    HOME_SERVICES,
    LEGAL_CASE_EXTRA_WEIGHT,
    ORGANISATIONS,
    OUTCOMES,
    REFERRAL_REASONS,
    REFERRED_AFTER_INTAKE_DAYS,
    REFERRED_SHARE,
    REPATRIATION_PHASES,
    SECOND_REFERRAL_SHARE,
    SERVICE_DAYS,
    SERVICE_PROVIDERS,
    SERVICES_BY_PHASE,
    STARTED_AFTER_DAYS,
    URGENT_SERVICES,
    URGENT_SHARE,
    WAITING_DAYS,
    WAITING_PER_INBOX,
    demo_users,
)
from .dating import Clock, happened_at
from .planning import CasePlan

# ---------------------------------------------------------------------------------------------
# Planning


@dataclass
class ReferralPlan:
    service: str
    to: str  # the receiving organisation's slug
    reason: str
    urgency: str
    shares_health: bool
    sent_at: dt.datetime
    # Keyword arguments of consent_record, recorded as the referral is sent, when no consent
    # the case already has covers it.
    consent: dict | None = None
    status: str = Status.SENT  # the status its answers bring it to
    answered_by: str = ""  # username
    answered_at: dt.datetime | None = None
    decline_reason: str = ""
    started_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    outcome: str = ""


ANSWERING_ROLES = {Role.SOCIAL_WORKER, Role.SUPERVISOR, Role.MINISTRY_OFFICER}


def answerers() -> dict[str, list[str]]:
    """The demo logins who answer the referrals each organisation receives, by its slug: the
    organisations with demo logins are those a newcomer signs in to, and the only ones where
    someone answers."""
    by_organisation: dict[str, list[str]] = {}
    for spec in demo_users():
        if spec.role in ANSWERING_ROLES:
            by_organisation.setdefault(spec.organisation, []).append(spec.username)
    return by_organisation


def is_closed(plan: CasePlan) -> bool:
    return bool(plan.steps) and plan.steps[-1]["to_phase"] == Phase.CLOSED


class ReferralPlanner:
    def __init__(self, rng: random.Random, today: dt.date):
        self.rng = rng
        self.today = today
        self.kinds = {spec.slug: spec.kind for spec in ORGANISATIONS}
        self.answerers = answerers()

    def pick(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))

    def moment(self, day: dt.date) -> dt.datetime:
        """A time in office hours on `day`, in Phnom Penh."""
        at = dt.time(self.rng.randint(8, 15), self.rng.randint(0, 59))
        return timezone.make_aware(dt.datetime.combine(day, at))

    def later(self, after: dt.datetime, days: tuple[int, int], end: dt.date) -> dt.datetime:
        """Some days after `after`, no later than `end`; a few hours later at least."""
        after_day = timezone.localtime(after).date()
        day = min(after_day + dt.timedelta(days=self.rng.randint(*days)), end)
        if day <= after_day:
            return after + dt.timedelta(minutes=self.rng.randint(30, 150))
        return self.moment(day)

    def plan(self, plans: list[CasePlan]) -> None:
        """The referrals of every case: its history, then a few waiting in each inbox."""
        for case_plan in plans:
            self.history(case_plan)
        for slug in [*self.answerers, SERVICE_PROVIDERS[Service.REPATRIATION]]:
            self.waiting(plans, slug)
        for case_plan in plans:
            case_plan.referrals.sort(key=lambda referral: referral.sent_at)

    # Which cases, for what ---------------------------------------------------------------

    def referred_in(self, plan: CasePlan) -> str | None:
        """The phase in which the case's referrals were sent: the one it is in, or, for a case
        closed once its reintegration was complete, the last before closure. None for cases
        not referred (still being identified, or closed on the way)."""
        steps = plan.steps
        current = steps[-1]["to_phase"] if steps else plan.case["phase"]
        if current == Phase.CLOSED:
            if steps[-1]["closure_reason"] != ClosureReason.REINTEGRATION_COMPLETED:
                return None
            return Phase.REINTEGRATED
        return None if current == Phase.IDENTIFICATION else current

    def services(self, plan: CasePlan, phase: str) -> dict[str, int]:
        """What the survivor may be referred for in this phase, weighted, to organisations
        other than the case's own and than those it was already referred to."""
        case = plan.case
        weights = dict(SERVICES_BY_PHASE[phase])
        if case["hiv_status"] == HivStatus.POSITIVE:
            weights[Service.HIV_CARE] = HIV_POSITIVE_CARE_WEIGHT
        elif case["hiv_status"] == HivStatus.UNKNOWN and phase in (Phase.INTAKE, Phase.RECOVERY):
            weights[Service.HIV_CARE] = HIV_TESTING_WEIGHT
        if case["legal_details"]:
            weights[Service.LEGAL_AID] = weights.get(Service.LEGAL_AID, 0) + LEGAL_CASE_EXTRA_WEIGHT
        has_home = plan.village_id is not None
        if not has_home and phase in REPATRIATION_PHASES:
            weights[Service.REPATRIATION] = 1
        referred_to = {plan.organisation, *(referral.to for referral in plan.referrals)}
        return {
            service: weight
            for service, weight in weights.items()
            if SERVICE_PROVIDERS[service] not in referred_to
            and (has_home or service not in HOME_SERVICES)
            and (case["sex"] == Sex.FEMALE or service != Service.COMMUNITY_SUPPORT)
        }

    def history(self, plan: CasePlan) -> None:
        phase = self.referred_in(plan)
        if phase is None or self.rng.random() >= REFERRED_SHARE:
            return
        count = 2 if self.rng.random() < SECOND_REFERRAL_SHARE else 1
        for _ in range(count):
            services = {
                service: weight
                for service, weight in self.services(plan, phase).items()
                if SERVICE_PROVIDERS[service] in self.answerers
            }
            if services:
                self.add(plan, self.pick(services), waiting=False)

    def waiting(self, plans: list[CasePlan], slug: str) -> None:
        """A few referrals sent to the organisation in the last weeks, not yet answered."""
        wanted = self.rng.randint(*WAITING_PER_INBOX)
        candidates = []
        for plan in plans:
            phase = self.referred_in(plan)
            if phase is None or is_closed(plan):
                continue
            services = {
                service: weight
                for service, weight in self.services(plan, phase).items()
                if SERVICE_PROVIDERS[service] == slug
            }
            if services:
                candidates.append((plan, services))
        self.rng.shuffle(candidates)
        for plan, services in candidates:
            if wanted and self.add(plan, self.pick(services), waiting=True):
                wanted -= 1

    # One referral -------------------------------------------------------------------------

    def window(self, plan: CasePlan, service: str, waiting: bool) -> tuple[dt.date, dt.date]:
        """The days on which the referral may have been sent: after intake and assessment,
        and, for a case closed since, well before its closure. A survivor registered as a
        child who is 18 now gives their own consent to new sharing: after the 18th birthday."""
        case, today = plan.case, self.today
        intake = case["intake_date"]
        start = intake + dt.timedelta(days=REFERRED_AFTER_INTAKE_DAYS)
        if self.needs_own_consent(case):
            start = max(start, eighteenth_birthday(case["date_of_birth"]))
        if service in AFTER_RETURN_SERVICES and plan.reintegrated_on:
            start = max(start, plan.reintegrated_on)
        if waiting:
            return max(start, today - dt.timedelta(days=WAITING_DAYS)), today - dt.timedelta(1)
        if is_closed(plan):
            span = (today - intake).days
            return start, intake + dt.timedelta(days=int(span * CLOSED_CASE_REFERRED_BEFORE))
        return start, today - dt.timedelta(days=WAITING_DAYS + 1)

    def needs_own_consent(self, case: dict) -> bool:
        born = case["date_of_birth"]
        minor_at_intake = age_on(born=born, on=case["intake_date"]) < ADULT_AGE
        return minor_at_intake and age_on(born=born, on=self.today) >= ADULT_AGE

    def add(self, plan: CasePlan, service: str, *, waiting: bool) -> ReferralPlan | None:
        """Plan the referral, relying on a consent the case has or one recorded with it; None
        when the case was open at no time it could have been sent."""
        to = SERVICE_PROVIDERS[service]
        health = service in HEALTH_SERVICES
        start, end = self.window(plan, service, waiting)
        covering = [
            consent["given_on"]
            for consent in plan.consents
            if self.covers(plan, consent, to, health)
        ]
        # The consent it relies on was given before it was sent, whichever one that is.
        start = max([start, *covering])
        if start > end:
            return None
        sent_on = self.date_between(start, end)
        urgent = service in URGENT_SERVICES or self.rng.random() < URGENT_SHARE
        referral = ReferralPlan(
            service=service,
            to=to,
            reason=self.reason(plan, service),
            urgency=Urgency.URGENT if urgent else Urgency.ROUTINE,
            shares_health=health,
            sent_at=self.moment(sent_on),
            consent=None if covering else self.consent(plan, to, health, sent_on),
        )
        if not waiting:
            self.answer(plan, referral, end)
        plan.referrals.append(referral)
        return referral

    def reason(self, plan: CasePlan, service: str) -> str:
        if service != Service.HIV_CARE:
            return self.rng.choice(REFERRAL_REASONS[service])
        positive = plan.case["hiv_status"] == HivStatus.POSITIVE
        return HIV_TREATMENT_REASON if positive else HIV_TESTING_REASON

    def covers(self, plan: CasePlan, consent: dict, to: str, health: bool) -> bool:
        """Whether a consent of the case covers the referral today, as the services read it."""
        expires_on = consent.get("expires_on")
        outgrown = consent["given_by"] == ConsentGiver.GUARDIAN and self.needs_own_consent(
            plan.case
        )
        named = consent.get("shared_with") == to
        return (
            consent["purpose"] == ConsentPurpose.SHARING
            and (named or consent.get("shared_with_kind") == self.kinds[to])
            and consent["covers_identity"]
            and consent["covers_case_facts"]
            and (consent["covers_health"] or not health)
            and (expires_on is None or expires_on >= self.today)
            and not outgrown
        )

    def consent(self, plan: CasePlan, to: str, health: bool, given_on: dt.date) -> dict:
        """The survivor's consent to share with the organisation, given the day of the
        referral: a guardian's, with the child's assent, while the survivor is a child."""
        born = plan.case["date_of_birth"]
        giver: dict = {"given_by": ConsentGiver.SURVIVOR}
        minor_at_intake = age_on(born=born, on=plan.case["intake_date"]) < ADULT_AGE
        if minor_at_intake and age_on(born=born, on=given_on) < ADULT_AGE:
            guardian = plan.consents[0]
            giver = {
                "given_by": ConsentGiver.GUARDIAN,
                "guardian_name": guardian["guardian_name"],
                "guardian_relationship": guardian["guardian_relationship"],
                "child_assent": self.rng.random() < CHILD_ASSENT_SHARE,
            }
        return {
            "purpose": ConsentPurpose.SHARING,
            "given_on": given_on,
            "shared_with": to,
            "covers_identity": True,
            "covers_case_facts": True,
            "covers_health": health,
        } | giver

    def answer(self, plan: CasePlan, referral: ReferralPlan, end: dt.date) -> None:
        """How the receiving organisation answered, and when: all before `end`."""
        closed = is_closed(plan)
        status = self.pick(CLOSED_CASE_ANSWERS if closed else ANSWERS)
        referral.answered_by = self.rng.choice(self.answerers[referral.to])
        referral.answered_at = self.later(referral.sent_at, ANSWER_AFTER_DAYS, end)
        if status == Status.DECLINED:
            referral.status, referral.decline_reason = status, DECLINE_REASONS[referral.to]
            return
        referral.status = Status.ACCEPTED
        if status == Status.ACCEPTED:
            return
        referral.status = Status.IN_PROGRESS
        referral.started_at = self.later(referral.answered_at, STARTED_AFTER_DAYS, end)
        days = self.rng.randint(*SERVICE_DAYS)
        done_on = timezone.localtime(referral.started_at).date() + dt.timedelta(days=days)
        # A service that would end after the last weeks is still going on.
        if status == Status.COMPLETED and (closed or done_on <= end):
            referral.status, referral.outcome = status, OUTCOMES[referral.service]
            referral.completed_at = self.later(referral.started_at, (days, days), end)


def plan_referrals(plans: list[CasePlan], today: dt.date, seed: int) -> None:
    ReferralPlanner(random.Random(f"{seed}:referrals"), today).plan(plans)


# ---------------------------------------------------------------------------------------------
# Writing


def stamp(referral: Referral, moment: dt.datetime, **fields) -> None:
    Referral.objects.filter(pk=referral.pk).update(updated_at=moment, **fields)


def referral_history_write(
    planned: ReferralPlan,
    case: Case,
    sender: User,
    organisations: dict[str, Organisation],
    users: dict[str, User],
    clock: Clock,
) -> None:
    """The referral as sent, and as the receiving organisation answered it since."""
    referral = referral_write(planned, case, sender, organisations[planned.to])
    if planned.status != Status.SENT:
        referral_answer(planned, referral, users[planned.answered_by], clock)


def referral_write(planned: ReferralPlan, case: Case, sender: User, to: Organisation) -> Referral:
    sent_at = planned.sent_at
    with happened_at(sent_at):
        if planned.consent is not None:
            fields = {key: value for key, value in planned.consent.items() if key != "shared_with"}
            consent_record(actor=sender, case=case, shared_with_organisation=to, **fields)
        referral = referral_send(
            actor=sender,
            case=case,
            to_organisation=to,
            service=planned.service,
            reason=planned.reason,
            urgency=planned.urgency,
            shares_identity=True,
            shares_case_facts=True,
            shares_health=planned.shares_health,
        )
    stamp(referral, sent_at, sent_at=sent_at, created_at=sent_at)
    return referral


def referral_answer(
    planned: ReferralPlan, referral: Referral, answerer: User, clock: Clock
) -> None:
    """The receiving organisation's answers, each on its day; a completed referral's access to
    the case ends once the sending organisation's grace period is over, as the daily job
    ends it."""
    answered_at = planned.answered_at
    with happened_at(answered_at):
        if planned.status == Status.DECLINED:
            referral_decline(actor=answerer, referral=referral, reason=planned.decline_reason)
        else:
            referral_accept(actor=answerer, referral=referral)
    days = (timezone.localdate(answered_at) - timezone.localdate(planned.sent_at)).days
    stamp(referral, answered_at, answered_at=answered_at, answer_days=days)
    if planned.started_at is None:
        return
    with happened_at(planned.started_at):
        referral_start(actor=answerer, referral=referral)
    stamp(referral, planned.started_at)
    if planned.completed_at is None:
        return
    completed_at = planned.completed_at
    with happened_at(completed_at):
        referral_complete(actor=answerer, referral=referral, outcome=planned.outcome)
    grace = dt.timedelta(days=referral.from_organisation.referral_access_grace_days)
    access_ends_on = timezone.localdate(completed_at) + grace
    stamp(referral, completed_at, completed_at=completed_at, access_ends_on=access_ends_on)
    ended_at = timezone.make_aware(dt.datetime.combine(access_ends_on, dt.time(6)))
    if ended_at > clock.now:
        return
    with happened_at(ended_at):
        referral_access_expire_due(today=access_ends_on)
    stamp(referral, ended_at, access_revoked_at=ended_at)
