"""Writes the demo through the services, as workers would enter it."""

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone

from cases.models import (
    Case,
    Phase,
)
from cases.services import (
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

from .data import CASES_PER_NGO, NGO_SLUGS, ORGANISATIONS, ORIGIN_PROVINCE_WEIGHTS, SEED, demo_users
from .planning import CasePlan, CasePlanner

DOMAINS = ("safety", "health", "family", "community", "education", "livelihood", "legal")

# ---------------------------------------------------------------------------------------------
# Writing


@dataclass
class SeedReport:
    organisations: int = 0
    users: int = 0
    cases: Counter = field(default_factory=Counter)


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


def case_plans(today: dt.date) -> list[CasePlan]:
    rng = random.Random(SEED)
    planner = CasePlanner(rng, today, village_ids_by_province())
    specs = {spec.slug: spec for spec in ORGANISATIONS}
    return [
        planner.plan(specs[slug]) for slug in NGO_SLUGS for _ in range(rng.randint(*CASES_PER_NGO))
    ]


def cases_seed(
    report: SeedReport, organisations: dict[str, Organisation], users: dict[str, User]
) -> None:
    """Write the planned cases of each NGO that has none yet; an NGO with cases is left alone."""
    empty = {slug for slug in NGO_SLUGS if not organisations[slug].cases.exists()}
    plans = [plan for plan in case_plans(timezone.localdate()) if plan.organisation in empty]
    villages = Village.objects.select_related("district", "commune").in_bulk(
        {plan.village_id for plan in plans}
    )
    teams = {slug: team_of(slug, users) for slug in empty}
    for plan in plans:
        case_write(plan, teams[plan.organisation], villages[plan.village_id], organisations)
        report.cases[plan.organisation] += 1


def team_of(slug: str, users: dict[str, User]) -> Team:
    return Team(
        workers=(users[f"worker.{slug}"], users[f"worker2.{slug}"]),
        supervisor=users[f"supervisor.{slug}"],
    )


def case_write(
    plan: CasePlan, team: Team, village: Village, organisations: dict[str, Organisation]
) -> None:
    worker, colleague = team.workers[::-1] if plan.by_second_worker else team.workers
    case = case_create(
        actor=worker, origin_village=village, origin_commune=village.commune, **plan.case
    )
    consents_write(plan, case, worker, organisations)
    # A supervisor closes the case once the counselling is over, so closure comes last.
    closing = [step for step in plan.steps[-1:] if step["closure_reason"]]
    moves = plan.steps[: len(plan.steps) - len(closing)]
    for step in moves:
        actor = team.supervisor if step["closure_reason"] else worker
        if step["to_phase"] == Phase.REINTEGRATED:
            plan_write(case, worker, team.supervisor, outcome="approved")
        case = case_change_phase(actor=actor, case=case, **step)
    if case.phase == Phase.REINTEGRATION_PLANNING:
        plan_write(case, worker, team.supervisor, outcome=PLAN_OUTCOMES[case.pk % 3])
    if plan.handover:
        case = case_assign(actor=team.supervisor, case=case, worker=colleague)
        worker = colleague
    sessions_write(plan, case, worker, team.supervisor)
    for step in closing:
        case_change_phase(actor=team.supervisor, case=case, **step)
    if plan.reintegrated_on and not closing:
        followup_write(plan, case, worker)


PLAN_OUTCOMES = ("draft", "submitted", "returned")


def plan_write(case: Case, worker: User, supervisor: User, *, outcome: str) -> None:
    """A reintegration plan through the services: an assessment, a family goal and a livelihood
    goal with an action each, then as far as `outcome` (draft, submitted, returned, approved)."""
    from followup.models import CommunityResource
    from plans import services as plans

    today = timezone.localdate()
    scores = {domain: (2 + (case.pk + i) % 3, "") for i, domain in enumerate(DOMAINS)}
    plans.assessment_record(
        actor=worker, case=case, assessed_on=today, occasion="intake", scores=scores
    )
    plan = plans.plan_start(actor=worker, case=case)
    family = plans.goal_add(
        actor=worker, plan=plan, domain="family", description="Return safely to the family home"
    )
    plans.action_add(
        actor=worker, goal=family, what="Home visit with the family before return",
        provider_kind="own", target_date=today + dt.timedelta(days=14),
    )  # fmt: skip
    resource = CommunityResource.objects.filter(is_active=True).order_by("pk").first()
    if resource:
        plans.action_add(
            actor=worker, goal=family, what="Village chief prepares the community",
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
    approval = plans.plan_submit(actor=worker, plan=plan)
    if outcome == "returned":
        plans.approval_return(
            actor=supervisor, approval=approval, comment="Add who pays for the course."
        )
    elif outcome == "approved":
        plans.approval_approve(actor=supervisor, approval=approval)


# Visits older than this are recorded as done; newer ones stay planned, so the demo has
# visits due and overdue and reminders to send.
RECORDED_AFTER_DAYS = 10
SCHOOL_OR_WORK = ["school", "training", "employed", "own_business", "looking"]


def followup_write(plan: CasePlan, case: Case, worker: User) -> None:
    """Count the schedule from the planned return date, and record the visits long past with
    invented observations that improve over time (income and wellbeing charts)."""
    today = timezone.localdate()
    followup_schedule_shift(actor=worker, case=case, days=(today - plan.reintegrated_on).days)
    rng = random.Random(case.case_number)  # per case, so reruns and other NGOs do not shift it
    income = rng.choice([0, 80_000, 150_000])
    visits = FollowUpVisit.objects.filter(
        case=case, status="planned", scheduled_for__lt=today - dt.timedelta(RECORDED_AFTER_DAYS)
    ).order_by("scheduled_for")
    for visit in visits:
        if rng.random() < 0.1:
            visit_record_missed(
                actor=worker, visit=visit, notes="Family had moved for the harvest."
            )
            continue
        income += rng.choice([0, 20_000, 50_000, 100_000])
        wellbeing = rng.choice([3, 4, 4, 5])
        visit_record(
            actor=worker,
            visit=visit,
            visited_on=min(visit.scheduled_for + dt.timedelta(days=rng.randint(0, 3)), today),
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


def consents_write(
    plan: CasePlan, case: Case, worker: User, organisations: dict[str, Organisation]
) -> None:
    for consent in plan.consents:
        fields = {key: value for key, value in consent.items() if key != "shared_with"}
        shared_with = consent.get("shared_with")
        consent_record(
            actor=worker,
            case=case,
            shared_with_organisation=organisations[shared_with] if shared_with else None,
            **fields,
        )


def sessions_write(plan: CasePlan, case: Case, worker: User, supervisor: User) -> None:
    for session in plan.sessions:
        fields = {key: value for key, value in session.items() if key != "by_supervisor"}
        counsellor = supervisor if session["by_supervisor"] else worker
        counselling_session_log(actor=worker, case=case, counsellor=counsellor, **fields)


def seed() -> SeedReport:
    report = SeedReport()
    organisations = organisations_ensure(report)
    users = users_ensure(report, organisations)
    cases_seed(report, organisations, users)
    return report


# ---------------------------------------------------------------------------------------------
