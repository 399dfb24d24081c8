"""Writes the demo through the services, as workers would enter it."""

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.base import CommandError
from django.db.models import Max
from django.utils import timezone

from cases.models import (
    Case,
    CaseEvent,
    Phase,
)
from cases.services import (
    Exploitation,
    case_assign,
    case_change_phase,
    case_create,
    consent_record,
    counselling_session_log,
)
from followup.models import FollowUpVisit
from followup.services import followup_schedule_shift, visit_record, visit_record_missed
from organisations.models import Organisation, Province, User, Village
from organisations.services import organisation_create, user_create
from referrals.models import Referral

from .data import CASES_PER_NGO, NGO_SLUGS, ORGANISATIONS, ORIGIN_PROVINCE_WEIGHTS, SEED, demo_users
from .dating import Clock, PlanWork, closing_step, happened_at, plan_moments
from .planning import CasePlan, CasePlanner
from .referring import plan_referrals, referral_history_write

DOMAINS = ("safety", "health", "family", "community", "education", "livelihood", "legal")

# ---------------------------------------------------------------------------------------------
# Writing


@dataclass
class SeedReport:
    organisations: int = 0
    users: int = 0
    cases: Counter = field(default_factory=Counter)
    referrals: Counter = field(default_factory=Counter)  # by the status they reached


@dataclass(frozen=True)
class Team:
    workers: tuple[User, User]
    supervisor: User


def organisations_ensure(report: SeedReport) -> dict[str, Organisation]:
    existing = Organisation.objects.in_bulk(
        [spec.slug for spec in ORGANISATIONS], field_name="slug"
    )
    provinces = Province.objects.in_bulk()
    for spec in ORGANISATIONS:
        if spec.slug in existing:
            continue
        existing[spec.slug] = organisation_create(
            name=spec.name,
            short_name=spec.short_name,
            kind=spec.kind,
            slug=spec.slug,
            province=provinces[spec.province] if spec.province else None,
            parent=existing[spec.parent] if spec.parent else None,
        )
        report.organisations += 1
    return existing


def users_ensure(report: SeedReport, organisations: dict[str, Organisation]) -> dict[str, User]:
    specs = demo_users()
    existing = User.objects.in_bulk([spec.username for spec in specs], field_name="username")
    for spec in specs:
        if spec.username in existing:
            continue
        existing[spec.username] = user_create(
            username=spec.username,
            organisation=organisations[spec.organisation],
            role=spec.role,
            password=settings.DEMO_PASSWORD,
            first_name=spec.first_name,
            last_name=spec.last_name,
        )
        report.users += 1
    return existing


def village_ids_by_province() -> dict[str, list[int]]:
    # A case's commune is required, so villages the official list puts in no commune are skipped.
    ids: dict[str, list[int]] = {code: [] for code in ORIGIN_PROVINCE_WEIGHTS}
    rows = (
        Village.objects.filter(district__province_id__in=list(ids), commune__isnull=False)
        .order_by("pk")
        .values_list("pk", "district__province_id")
    )
    for pk, province in rows:
        ids[province].append(pk)
    empty = sorted(code for code, villages in ids.items() if not villages)
    if empty:
        raise CommandError(
            f"No villages are loaded for provinces {', '.join(empty)}; "
            "run `manage.py load_places` first."
        )
    return ids


def case_plans(clock: Clock) -> list[CasePlan]:
    today = clock.today
    rng = random.Random(SEED)
    planner = CasePlanner(rng, today, village_ids_by_province())
    specs = {spec.slug: spec for spec in ORGANISATIONS}
    plans = [
        planner.plan(specs[slug]) for slug in NGO_SLUGS for _ in range(rng.randint(*CASES_PER_NGO))
    ]
    turning_18_next_month(plans, today)
    plan_referrals(plans, today, SEED)
    plan_moments(plans, clock, SEED)
    return plans


def turning_18_next_month(plans: list[CasePlan], today: dt.date) -> None:
    """In each NGO, one open case of a child registered as a minor turns 18 next month, so her
    worker's "My work" asks for her own consent. The child chosen is under 18 today, so the
    guardian's consents planned for her still hold."""
    from cases.services import ADULT_AGE, age_on

    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=15)
    born = next_month.replace(year=next_month.year - ADULT_AGE)
    chosen = set()
    for plan in plans:
        case, steps = plan.case, plan.steps
        if plan.organisation in chosen or (steps and steps[-1]["to_phase"] == Phase.CLOSED):
            continue
        if (
            case.get("phase") == Phase.CLOSED
            or age_on(born=case["date_of_birth"], on=today) >= ADULT_AGE
        ):
            continue
        if case["intake_date"] <= born:
            continue
        case["date_of_birth"], case["date_of_birth_estimated"] = born, False
        chosen.add(plan.organisation)


def cases_seed(
    report: SeedReport, organisations: dict[str, Organisation], users: dict[str, User]
) -> None:
    """Write the planned cases of each NGO that has none yet, with the referrals it sent; an NGO
    with cases is left alone."""
    empty = {slug for slug in NGO_SLUGS if not organisations[slug].cases.exists()}
    clock = Clock(now=timezone.now())
    plans = [plan for plan in case_plans(clock) if plan.organisation in empty]
    villages = Village.objects.select_related("district", "commune").in_bulk(
        {plan.village_id for plan in plans if plan.village_id is not None}
    )
    teams = {slug: team_of(slug, users) for slug in empty}
    for plan in plans:
        village = villages.get(plan.village_id)
        case_write(plan, teams[plan.organisation], village, organisations, users, clock)
        report.cases[plan.organisation] += 1
    sent = Referral.objects.filter(from_organisation__slug__in=empty)
    report.referrals.update(sent.values_list("status", flat=True))


def team_of(slug: str, users: dict[str, User]) -> Team:
    return Team(
        workers=(users[f"worker.{slug}"], users[f"worker2.{slug}"]),
        supervisor=users[f"supervisor.{slug}"],
    )


def case_write(
    plan: CasePlan,
    team: Team,
    village: Village | None,
    organisations: dict[str, Organisation],
    users: dict[str, User],
    clock: Clock,
) -> None:
    """The case as its workers entered it, each line of its timeline at the moment it
    happened: the worker who registered it takes it along its path (and plans its return),
    then the consents, sessions and referrals follow in their order, until a recent handover
    to the colleague; closure comes last, once the counselling is over."""
    worker, colleague = team.workers[::-1] if plan.by_second_worker else team.workers
    facts = dict(plan.case)
    facts["exploitations"] = [
        exploitation_of(item, facts["intake_date"]) for item in facts["exploitations"]
    ]
    with happened_at(plan.registered_at):
        case = case_create(
            actor=worker,
            origin_village=village,
            origin_commune=village and village.commune,
            **facts,
        )
    closing = closing_step(plan)
    moves = plan.steps[:-1] if closing else plan.steps
    for step in moves:
        if step["to_phase"] == Phase.REINTEGRATED:
            plan_write(case, worker, team.supervisor, plan.plan_work, outcome="approved")
        case = phase_move(case, step, worker, team.supervisor)
    if case.phase == Phase.REINTEGRATION_PLANNING:
        outcome = PLAN_OUTCOMES[case.pk % 3]
        plan_write(case, worker, team.supervisor, plan.plan_work, outcome=outcome)
    # The visits recorded are weeks old: made before any handover, which is recent.
    if plan.reintegrated_on and not closing:
        followup_write(plan, case, worker, clock)
    worker = casework_write(plan, case, team, (worker, colleague), organisations, users, clock)
    if closing:
        phase_move(case, closing, worker, team.supervisor)
    latest = CaseEvent.objects.filter(case=case).aggregate(latest=Max("occurred_at"))["latest"]
    Case.objects.filter(pk=case.pk).update(created_at=plan.registered_at, updated_at=latest)


def casework_write(
    plan: CasePlan,
    case: Case,
    team: Team,
    workers: tuple[User, User],
    organisations: dict[str, Organisation],
    users: dict[str, User],
    clock: Clock,
) -> User:
    """The consents, counselling sessions and referrals in the order they happened, each by
    the worker who had the case then; the worker who has it at the end."""
    worker, colleague = workers
    writes = sorted(
        [
            *((consent["at"], "consent", consent) for consent in plan.consents),
            *((session["at"], "session", session) for session in plan.sessions),
            *((referral.sent_at, "referral", referral) for referral in plan.referrals),
        ],
        key=lambda write: write[0],
    )
    handover = plan.handed_over_at
    for moment, kind, planned in writes:
        if handover is not None and moment >= handover:
            handover_write(case, team.supervisor, colleague, handover)
            worker, handover = colleague, None
        if kind == "consent":
            consent_write(planned, case, worker, organisations)
        elif kind == "session":
            session_write(planned, case, worker, team.supervisor)
        else:
            referral_history_write(planned, case, worker, organisations, users, clock)
    if handover is not None:
        handover_write(case, team.supervisor, colleague, handover)
        worker = colleague
    return worker


def handover_write(case: Case, supervisor: User, colleague: User, moment: dt.datetime) -> None:
    with happened_at(moment):
        case_assign(actor=supervisor, case=case, worker=colleague)


def exploitation_of(planned: dict, intake_date: dt.date) -> Exploitation:
    started_months, ended_months = planned["months_before_intake"]
    dated = planned["dated"]
    province_id = planned["province_id"]
    return Exploitation(
        form=planned["form"],
        country=planned["country"],
        province=Province.objects.get(pk=province_id) if province_id else None,
        started_on=intake_date - dt.timedelta(days=30 * started_months) if dated else None,
        ended_on=intake_date - dt.timedelta(days=30 * ended_months) if dated else None,
    )


def phase_move(case: Case, step: dict, worker: User, supervisor: User) -> Case:
    """A step of the survivor's path as the team takes it: the worker moves the case, and
    closing it is the worker's request that the supervisor approves."""
    from plans import services as plans

    moment = step["at"]
    with happened_at(moment):
        if step["to_phase"] != Phase.CLOSED:
            return case_change_phase(
                actor=worker, case=case, to_phase=step["to_phase"], note=step["note"]
            )
        approval = plans.closure_request(
            actor=worker, case=case, reason=step["closure_reason"], note=step["note"]
        )
        plans.approval_approve(actor=supervisor, approval=approval)
    approval_stamp(approval, requested_at=moment, decided_at=moment)
    Case.objects.filter(pk=case.pk).update(closed_on=timezone.localdate(moment))
    return Case.objects.get(pk=case.pk)


def approval_stamp(approval, **moments: dt.datetime) -> None:
    """Date a request, and its decision, to the moments they were made."""
    from plans.models import Approval

    Approval.objects.filter(pk=approval.pk).update(
        **{"updated_at": max(moments.values()), **moments}
    )


PLAN_OUTCOMES = ("draft", "submitted", "returned")


def plan_write(case: Case, worker: User, supervisor: User, work: PlanWork, *, outcome: str) -> None:
    """A reintegration plan through the services: an assessment, a family goal and a livelihood
    goal with an action each, then as far as `outcome` (draft, submitted, returned, approved),
    each on its day. Its actions' target dates are still ahead: the plan is being carried out."""
    from plans import services as plans

    today = timezone.localdate()
    scores = {domain: (2 + (case.pk + i) % 3, "") for i, domain in enumerate(DOMAINS)}
    plans.assessment_record(
        actor=worker, case=case, assessed_on=work.assessed_on, occasion="intake", scores=scores
    )
    plan = plans.plan_start(actor=worker, case=case)
    family = plans.goal_add(
        actor=worker, plan=plan, domain="family", description="Return safely to the family home"
    )
    plans.action_add(
        actor=worker, goal=family, what="Home visit with the family before return",
        provider_kind="own", target_date=today + dt.timedelta(days=14),
    )  # fmt: skip
    family_assessment_write(case, worker, work.family_visited_on)
    # Without a home province there is no Cambodian community to prepare.
    if case.origin_province_id is not None:
        resource = pagoda_of(case, supervisor)
        plans.community_preparation_record(
            actor=worker, case=case, resource=resource, met_on=work.community_met_on,
            agreed_to="The monk will bless her return and speak to the neighbours.",
        )  # fmt: skip
        plans.action_add(
            actor=worker, goal=family, what="The monk prepares the community",
            provider_kind="community", resource=resource,
            target_date=today + dt.timedelta(days=21),
        )  # fmt: skip
    income = plans.goal_add(
        actor=worker, plan=plan, domain="livelihood", description="A steady income in a year"
    )
    plans.action_add(
        actor=worker, goal=income, what="Sewing course", provider_kind="own",
        target_date=today + dt.timedelta(days=90),
    )  # fmt: skip
    if outcome == "draft":
        return
    with happened_at(work.submitted_at):
        approval = plans.plan_submit(actor=worker, plan=plan)
    approval_stamp(approval, requested_at=work.submitted_at)
    plan_stamp(plan, submitted_at=work.submitted_at)
    if outcome == "submitted":
        return
    with happened_at(work.decided_at):
        if outcome == "returned":
            plans.approval_return(
                actor=supervisor, approval=approval, comment="Add who pays for the course."
            )
        elif outcome == "approved":
            plans.approval_approve(actor=supervisor, approval=approval)
    approval_stamp(approval, decided_at=work.decided_at)
    if outcome == "approved":
        first = family.actions.order_by("target_date", "pk").first()
        plans.service_record(
            actor=worker, action=first, delivered_on=work.delivered_on,
            provider="Our social worker", note="Met the parents and the grandmother at home.",
        )  # fmt: skip
    plan_stamp(plan, updated_at=work.decided_at)


def plan_stamp(plan, **moments: dt.datetime) -> None:
    from plans.models import Plan

    Plan.objects.filter(pk=plan.pk).update(**{"updated_at": max(moments.values()), **moments})


# The family assessment's recommendation, by case: most return home, some with conditions, and
# one in four goes to an alternative option, each option in turn.
RECOMMENDATIONS = ("alternative", "return", "return_with_conditions", "return")
ALTERNATIVES = ("kinship_care", "independent_living", "foster_or_group_home", "residential_care")


def family_assessment_write(case: Case, worker: User, visited_on: dt.date) -> None:
    from plans.services import family_assessment_record

    recommendation = RECOMMENDATIONS[case.pk % len(RECOMMENDATIONS)]
    reasons = {
        "alternative": "An uncle who lives in the house arranged her journey.",
        "return_with_conditions": "The family agrees to monthly visits and to keep her at school.",
        "return": "",
    }
    family_assessment_record(
        actor=worker,
        case=case,
        visited_on=visited_on,
        people_met="Mother, grandmother and the village chief",
        family_attitude="mixed" if recommendation == "alternative" else "supportive",
        community_attitude="supportive",
        family_member_involved=recommendation == "alternative",
        risks="Debts to a neighbour" if recommendation != "return" else "",
        recommendation=recommendation,
        alternative_option=(
            ALTERNATIVES[case.pk // len(RECOMMENDATIONS) % len(ALTERNATIVES)]
            if recommendation == "alternative"
            else ""
        ),
        reason=reasons[recommendation],
    )


def pagoda_of(case: Case, supervisor: User):
    """The pagoda of the survivor's home province in the community resource directory."""
    from followup.models import CommunityResource
    from followup.services import community_resource_create

    province = case.origin_province
    found = CommunityResource.objects.filter(
        kind="pagoda", province=province, is_active=True
    ).first()
    return found or community_resource_create(
        actor=supervisor,
        kind="pagoda",
        name=f"Wat {province.name_en} (monk's council)",
        name_km=f"វត្ត{province.name_km}",
        province=province,
    )


# Visits older than this are recorded as done; newer ones stay planned, so the demo has
# visits due and overdue and reminders to send.
RECORDED_AFTER_DAYS = 10
SCHOOL_OR_WORK = ["school", "training", "employed", "own_business", "looking"]


def followup_write(plan: CasePlan, case: Case, worker: User, clock: Clock) -> None:
    """Count the schedule from the planned return date, and record the visits long past, each
    the day it was made, with invented observations that improve over time (income and
    wellbeing charts)."""
    today = clock.today
    followup_schedule_shift(actor=worker, case=case, days=(today - plan.reintegrated_on).days)
    # Planned the day the survivor went home, the schedule counted from the return from the
    # start: no line says it was counted again later.
    CaseEvent.objects.filter(case=case, message="visits.counted_from_return").delete()
    rng = random.Random(case.case_number)  # per case, so reruns and other NGOs do not shift it
    moments = random.Random(f"{case.case_number}:moments")  # apart, so the visits stay the same
    income = rng.choice([0, 80_000, 150_000])
    visits = FollowUpVisit.objects.filter(
        case=case, status="planned", scheduled_for__lt=today - dt.timedelta(RECORDED_AFTER_DAYS)
    ).order_by("scheduled_for")
    for visit in visits:
        if rng.random() < 0.1:
            with happened_at(clock.at(visit.scheduled_for, moments.random())):
                visit_record_missed(
                    actor=worker, visit=visit, notes="Family had moved for the harvest."
                )
            continue
        income += rng.choice([0, 20_000, 50_000, 100_000])
        wellbeing = rng.choice([3, 4, 4, 5])
        visited_on = min(visit.scheduled_for + dt.timedelta(days=rng.randint(0, 3)), today)
        with happened_at(clock.at(visited_on, moments.random())):
            visit_record(
                actor=worker,
                visit=visit,
                visited_on=visited_on,
                place="At home",
                met_survivor=True,
                met_family=True,
                met_village_chief=rng.random() < 0.4,
                met_monk=rng.random() < 0.2,
                safety=wellbeing,
                health=rng.choice([3, 4, 5]),
                family_acceptance=wellbeing,
                community_acceptance=rng.choice([3, 4, 5]),
                school_or_work=rng.choice(SCHOOL_OR_WORK),
                monthly_income_riel=income,
                debts_riel=rng.choice([0, 0, 200_000, 400_000]),
                retrafficking_risk=rng.random() < 0.05,
                notes="Settling in; the family is supportive.",
            )


def consent_write(
    consent: dict, case: Case, worker: User, organisations: dict[str, Organisation]
) -> None:
    fields = {key: value for key, value in consent.items() if key not in ("shared_with", "at")}
    shared_with = consent.get("shared_with")
    with happened_at(consent["at"]):
        consent_record(
            actor=worker,
            case=case,
            shared_with_organisation=organisations[shared_with] if shared_with else None,
            **fields,
        )


def session_write(session: dict, case: Case, worker: User, supervisor: User) -> None:
    fields = {key: value for key, value in session.items() if key not in ("by_supervisor", "at")}
    counsellor = supervisor if session["by_supervisor"] else worker
    with happened_at(session["at"]):
        counselling_session_log(actor=worker, case=case, counsellor=counsellor, **fields)


def seed() -> SeedReport:
    report = SeedReport()
    organisations = organisations_ensure(report)
    users = users_ensure(report, organisations)
    cases_seed(report, organisations, users)
    return report


# ---------------------------------------------------------------------------------------------
