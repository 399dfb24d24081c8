"""Build a realistic national data set fast, for the dashboards benchmark (bench/run_bench.py).

    manage.py seed_bench --cases 200000

60 organisations (2 ministries, 3 provincial departments, NGOs, police, health facilities,
international organisations, courts) created through `organisation_create`; a few users per
organisation sharing one unusable password (no hashing cost); cases with real places of origin
and unique numbers; sensitive facts, consents, counselling sessions (~5 a case), referrals
(~1.5 a case, with the access they grant), follow-up visits (~5 a case: schedules of up to
three years for the cases that returned home) and plans (two goals of two actions) for the cases
in planning or reintegrated. One NGO holds 20,000 cases (the caseload-page
benchmark). Rows go in with bulk_create, a batch of cases at a time, each batch in its own
transaction. Refuses to run twice, and under production settings.
"""

import datetime as dt
import random
import resource
import time
from collections import Counter, defaultdict
from itertools import accumulate

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.utils import timezone

from cases.models import (
    Case,
    CaseEvent,
    CaseExploitation,
    CaseNumberSequence,
    CaseSensitiveFacts,
    ClosureReason,
    Consent,
    CounsellingSession,
    EventKind,
)
from cases.services import case_last_contact_refresh
from followup.models import FollowUpVisit
from organisations.models import (
    Membership,
    Organisation,
    OrganisationKind,
    Province,
    Role,
    User,
    Village,
)
from organisations.services import organisation_create
from plans.models import Action, ActionStatus, Domain, Goal, Plan, PlanStatus
from referrals.models import Referral

OPEN_REFERRAL = ("sent", "accepted", "in_progress")
PLANNED_PHASES = ("reintegration_planning", "reintegrated")
PREFIX = "BN"  # short names BN01 … BN60
# Where survivors come from: the border provinces and the populous south-east weigh most.
PROVINCE_WEIGHTS = {
    "01": 12, "02": 10, "03": 8, "14": 9, "20": 7, "17": 7, "12": 6, "08": 6, "21": 5, "05": 4,
    "06": 4, "04": 3, "15": 3, "07": 3, "09": 3, "18": 3, "25": 3, "22": 2, "10": 2, "13": 1,
    "16": 1, "11": 1, "19": 1, "23": 1, "24": 1,
}  # fmt: skip
PHASES = [
    ("identification", 5), ("intake", 10), ("recovery", 15),
    ("reintegration_planning", 15), ("reintegrated", 30), ("closed", 25),
]  # fmt: skip
FORMS = [
    ("sexual_exploitation", 35), ("forced_labour", 35), ("domestic_servitude", 10),
    ("begging", 8), ("forced_marriage", 8), ("forced_criminality", 4), ("other", 4),
]  # fmt: skip
# One survivor in six suffered a second form of exploitation.
SECOND_FORM_SHARE = 1 / 6
# Survivors of other nationalities, trafficked into Cambodia (mostly into scam compounds).
FOREIGN_SHARE = 0.08
NATIONALITIES = [
    ("ID", 25), ("VN", 20), ("CN", 15), ("TH", 10), ("MY", 8), ("PH", 8), ("KE", 4), ("MM", 4),
    ("LA", 3), ("IN", 3),
]  # fmt: skip
LANGUAGES = {"ID": "id", "VN": "vi", "CN": "zh", "TH": "th", "MY": "ms", "PH": "tl", "KE": "sw",
             "MM": "my", "LA": "lo", "IN": "hi"}  # fmt: skip
# Where compounds hold foreign nationals: Preah Sihanouk, Koh Kong, Banteay Meanchey (Poipet).
COMPOUND_PROVINCES = [("18", 60), ("09", 25), ("01", 15)]
DESTINATIONS = [("TH", 50), ("VN", 12), ("MY", 12), ("CN", 10), ("ID", 4), ("KR", 4), ("ZZ", 8)]
REFERRAL_STATUSES = [
    ("sent", 8), ("accepted", 15), ("declined", 12), ("in_progress", 20), ("completed", 40),
    ("cancelled", 5),
]  # fmt: skip
# A schedule of up to three years after return, monthly at first (organisations set their own).
VISIT_MONTHS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 18, 21, 24, 30, 36)
SERVICES = ["shelter", "medical_care", "hiv_care", "psychosocial", "legal_aid",
            "vocational_training", "income_generation", "education", "family_tracing",
            "repatriation", "community_support"]  # fmt: skip
ORGANISATION_PLAN = (
    [("ministry", "MOSALVY (bench)"), ("ministry", "MWVA (bench)")]
    + [("provincial_department", f"Provincial Department of Social Affairs {c}")
       for c in ("01", "02", "12")]
    + [("ngo", f"Bench NGO {i}") for i in range(1, 46)]
    + [("police", f"Anti-trafficking police unit {i}") for i in range(1, 4)]
    + [("health_facility", f"Referral hospital {i}") for i in range(1, 4)]
    + [("international", f"International organisation {i}") for i in range(1, 3)]
    + [("court", f"Provincial court {i}") for i in range(1, 3)]
)  # fmt: skip


class Weighted:
    """Fast weighted choice with a fixed random generator."""

    def __init__(self, rng: random.Random, pairs):
        self.rng, self.values = rng, [v for v, _w in pairs]
        self.cumulative = list(accumulate(w for _v, w in pairs))

    def __call__(self):
        return self.rng.choices(self.values, cum_weights=self.cumulative)[0]


def big_ngo_size(cases: int, big_ngo_cases: int) -> int:
    """The big NGO holds `big_ngo_cases` whatever the total, so its caseload page is measured
    at the same size at every scale; below that total, a quarter of the cases."""
    return big_ngo_cases if cases >= big_ngo_cases else cases // 4


class Command(BaseCommand):
    help = "Build a national-scale benchmark data set with bulk inserts."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=200_000)
        parser.add_argument("--big-ngo-cases", type=int, default=20_000)
        parser.add_argument("--batch", type=int, default=5_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, cases: int, big_ngo_cases: int, batch: int, seed: int, **options):
        if not getattr(settings, "ALLOW_DEMO_DATA", False):
            raise CommandError("seed_bench builds invented data: not under production settings.")
        if Organisation.objects.filter(short_name=f"{PREFIX}01").exists():
            raise CommandError("Bench data exists already: use a fresh database.")
        started = time.monotonic()
        self.rng = random.Random(seed)  # noqa: S311 - invented data, not security
        self.today = timezone.localdate()
        self.counts: Counter = Counter()
        organisations = self._organisations()
        workers = self._users(organisations)
        self.counts["organisations"] = len(organisations)
        self._prepare(organisations, workers)
        owners = self._case_owners(cases, big_ngo_size(cases, big_ngo_cases))
        sequences: Counter = Counter()
        for start in range(0, cases, batch):
            with transaction.atomic():
                self._batch(owners[start : start + batch], sequences)
            reset_queries()  # DEBUG keeps every query's SQL otherwise
            self.stdout.write(
                f"  {min(start + batch, cases):>8} cases  {time.monotonic() - started:7.1f} s",
                ending="\n",
            )
        CaseNumberSequence.objects.bulk_create(
            [
                CaseNumberSequence(organisation_id=org, year=year, last_value=value)
                for (org, year), value in sequences.items()
            ],
            update_conflicts=True,
            unique_fields=["organisation", "year"],
            update_fields=["last_value"],
        )
        if connection.vendor == "postgresql":
            # As autovacuum would in time: statistics for the planner, and the visibility map
            # that lets a count read an index alone (VACUUM cannot run in a transaction).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        from dashboards.summary import summary_rebuild  # the dashboards read it

        self.counts["dashboard summary rows"] = summary_rebuild()
        elapsed = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for name, count in self.counts.items():
            self.stdout.write(f"{name:>28}: {count:>10,}")
        self.stdout.write(f"{'seconds':>28}: {elapsed:>10.1f}")
        self.stdout.write(f"{'peak memory (MiB, max RSS)':>28}: {peak:>10.1f}")

    # --- organisations and people --------------------------------------------------------------

    def _organisations(self) -> list[Organisation]:
        provinces = {p.code: p for p in Province.objects.all()}
        created = []
        for number, (kind, name) in enumerate(ORGANISATION_PLAN, start=1):
            province = None
            if kind == OrganisationKind.PROVINCIAL_DEPARTMENT:
                province = provinces[name[-2:]]
            elif kind != OrganisationKind.MINISTRY:
                province = provinces[self.rng.choice(list(PROVINCE_WEIGHTS))]
            created.append(
                organisation_create(
                    name=name, short_name=f"{PREFIX}{number:02d}", kind=kind, province=province
                )
            )
        return created

    def _users(self, organisations) -> dict[int, list[int]]:
        """Officers for the government, workers, a supervisor and an administrator elsewhere.
        One unusable password, computed once."""
        password = make_password(None)
        plan = []
        for org in organisations:
            if org.kind in (OrganisationKind.MINISTRY, OrganisationKind.PROVINCIAL_DEPARTMENT):
                roles = [Role.MINISTRY_OFFICER] * 2
            else:
                roles = [Role.SOCIAL_WORKER] * 3 + [Role.SUPERVISOR, Role.ORG_ADMIN]
            for index, role in enumerate(roles):
                plan.append((org, role, f"bench.{org.short_name.lower()}.{role}.{index}"))
        users = User.objects.bulk_create(
            [
                User(username=name, password=password, is_staff=role == Role.ORG_ADMIN)
                for _org, role, name in plan
            ]
        )
        Membership.objects.bulk_create(
            [
                Membership(user=user, organisation=org, role=role)
                for user, (org, role, _name) in zip(users, plan, strict=True)
            ]
        )
        User.groups.through.objects.bulk_create(
            [
                User.groups.through(user_id=user.pk, group_id=org.group_id)
                for user, (org, _role, _name) in zip(users, plan, strict=True)
            ]
        )
        self.counts["users"] = len(users)
        workers = defaultdict(list)
        for user, (org, role, _name) in zip(users, plan, strict=True):
            if role in (Role.SOCIAL_WORKER, Role.SUPERVISOR):
                workers[org.pk].append(user.pk)
        return workers

    def _prepare(self, organisations, workers) -> None:
        rng = self.rng
        self.organisations = organisations
        self.workers = workers
        self.receivers = [o for o in organisations if o.pk in workers]
        self.short = {o.pk: o.short_name for o in organisations}
        villages = defaultdict(list)
        for village_id, commune_id, province_id in Village.objects.filter(
            commune__isnull=False
        ).values_list("id", "commune_id", "district__province_id"):
            villages[province_id].append((village_id, commune_id))
        self.villages = villages
        self.pick_province = Weighted(
            rng, [(c, w) for c, w in PROVINCE_WEIGHTS.items() if c in villages]
        )
        self.pick_phase = Weighted(rng, PHASES)
        self.pick_form = Weighted(rng, FORMS)
        self.pick_destination = Weighted(rng, DESTINATIONS)
        self.pick_nationality = Weighted(rng, NATIONALITIES)
        self.pick_compound = Weighted(rng, COMPOUND_PROVINCES)
        self.pick_status = Weighted(rng, REFERRAL_STATUSES)
        self.pick_sex = Weighted(rng, [("female", 72), ("male", 26), ("other", 2)])
        self.pick_referrals = Weighted(rng, [(0, 25), (1, 30), (2, 25), (3, 15), (4, 5)])

    def _case_owners(self, cases: int, big: int) -> list[int]:
        """The organisation of each case: the first NGO holds `big`, the other NGOs (and a few
        police units and hospitals) the rest, unevenly."""
        holders = [o for o in self.organisations if o.kind == OrganisationKind.NGO]
        others = [o for o in self.organisations if o.kind in ("police", "health_facility")]
        weighted = Weighted(
            self.rng,
            [(o.pk, self.rng.randint(2, 20)) for o in holders[1:]] + [(o.pk, 1) for o in others],
        )
        owners = [holders[0].pk] * big + [weighted() for _ in range(cases - big)]
        self.rng.shuffle(owners)
        return owners

    # --- one batch of cases and everything that hangs on them ---------------------------------

    def _batch(self, owners: list[int], sequences: Counter) -> None:
        rng, today = self.rng, self.today
        new_cases = []
        for org in owners:
            province = self.pick_province()
            village_id, commune_id = rng.choice(self.villages[province])
            intake = today - dt.timedelta(days=rng.randint(0, 3 * 365))
            born = intake - dt.timedelta(days=rng.randint(11 * 365, 40 * 365))
            age = intake.year - born.year - ((intake.month, intake.day) < (born.month, born.day))
            phase = self.pick_phase()
            foreign = rng.random() < FOREIGN_SHARE
            nationality = self.pick_nationality() if foreign else "KH"
            movement = "cross_border" if foreign or rng.random() < 0.6 else "internal"
            if foreign:
                destination = "KH"
            else:
                destination = self.pick_destination() if movement == "cross_border" else ""
            sequences[(org, intake.year)] += 1
            number = sequences[(org, intake.year)]
            closed_on = None
            # Bench rows are written in bulk, not through the services: a closed bench case
            # has no closure request behind it (seed_demo closes through request and approval).
            if phase == "closed":
                closed_on = min(intake + dt.timedelta(days=rng.randint(60, 700)), today)
            worker = rng.choice(self.workers[org])
            new_cases.append(
                Case(
                    case_number=f"{self.short[org]}-{intake.year}-{number:04d}",
                    organisation_id=org,
                    assigned_worker_id=worker,
                    phase=phase,
                    closure_reason=rng.choice(ClosureReason.values) if closed_on else "",
                    closed_on=closed_on,
                    name_latin=f"Bench Survivor {org}-{number}",
                    nationality=nationality,
                    languages=[LANGUAGES[nationality], "en"] if foreign else [],
                    interpreter_needed=foreign and rng.random() < 0.7,
                    sex=self.pick_sex(),
                    date_of_birth=born,
                    date_of_birth_estimated=rng.random() < 0.3,
                    minor_at_intake=age < 18,
                    origin_province_id=province,
                    origin_commune_id=commune_id,
                    origin_village_id=village_id,
                    movement=movement,
                    destination_country=destination,
                    how_identified=rng.choice(
                        [
                            "police_raid",
                            "self_referral",
                            "hotline",
                            "cross_border_return",
                            "outreach",
                        ]
                    ),
                    intake_date=intake,
                    risk_level=rng.choice(["low", "medium", "medium", "high"]),
                    created_by_id=worker,
                )
            )
        # A foreign national who needs an interpreter was brought into Cambodia and has no
        # place of origin here: the caseload's and the dashboards' "No province in Cambodia".
        for case in new_cases:
            if case.interpreter_needed:
                case.origin_province_id = case.origin_commune_id = case.origin_village_id = None
        new_cases = Case.objects.bulk_create(new_cases)
        self.counts["cases"] += len(new_cases)
        self._insert(CaseExploitation, [e for c in new_cases for e in self._exploitations(c)])
        statuses = ["unknown", "negative", "negative", "positive", "not_disclosed"]
        self._insert(
            CaseSensitiveFacts,
            [CaseSensitiveFacts(case_id=c.pk, hiv_status=rng.choice(statuses)) for c in new_cases],
        )
        self._insert(
            CaseEvent,
            [
                CaseEvent(case_id=c.pk, kind=EventKind.CREATED, actor_id=c.created_by_id)
                for c in new_cases
            ],
        )
        consents = [self._consent(c, "services") for c in new_cases]
        referring = [c for c in new_cases if self.rng.random() < 0.88]
        sharing = [self._consent(c, "sharing") for c in referring]
        consents = self._insert(Consent, consents + sharing)
        sharing_consent = {c.case_id: c.pk for c in consents if c.purpose == "sharing"}
        self._insert(CounsellingSession, [s for c in new_cases for s in self._sessions(c)])
        self._insert(FollowUpVisit, [v for c in new_cases for v in self._visits(c)])
        case_last_contact_refresh(case_ids=[c.pk for c in new_cases])
        # The referrals holding access are the grants (referrals.selectors.holding_access).
        referrals = []
        for case in referring:
            open_to = set()  # one open referral of a case per organisation and service
            for _ in range(self.pick_referrals() or 1):
                referral = self._referral(case, sharing_consent[case.pk])
                if referral.status in OPEN_REFERRAL:
                    if (referral.to_organisation_id, referral.service) in open_to:
                        continue
                    open_to.add((referral.to_organisation_id, referral.service))
                referrals.append(referral)
        self._insert(Referral, referrals)
        self._plans([c for c in new_cases if c.phase in PLANNED_PHASES])

    def _plans(self, cases: list[Case]) -> None:
        """An approved plan for the cases past planning (a draft for those in it), two goals
        each with two actions spread around today, so "my work" has plan items to find."""
        rng, today = self.rng, self.today
        plans = self._insert(
            Plan,
            [
                Plan(
                    case_id=c.pk,
                    version=1,
                    status=PlanStatus.APPROVED
                    if c.phase == "reintegrated" or rng.random() < 0.5
                    else PlanStatus.DRAFT,
                    review_date=today + dt.timedelta(days=rng.randint(-30, 90)),
                    created_by_id=c.assigned_worker_id,
                    submitted_by_id=c.assigned_worker_id,
                )
                for c in cases
            ],
        )
        domains = Domain.values
        goals = self._insert(
            Goal,
            [
                Goal(plan_id=p.pk, domain=domain, description="Steady income for the family.")
                for p in plans
                for domain in rng.sample(domains, 2)
            ],
        )
        statuses = [ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DONE]
        self._insert(
            Action,
            [
                Action(
                    goal_id=g.pk,
                    what="Vocational training course",
                    provider_kind="own",
                    target_date=today + dt.timedelta(days=rng.randint(-60, 180)),
                    status=rng.choice(statuses),
                )
                for g in goals
                for _ in range(2)
            ],
        )

    def _exploitations(self, case: Case) -> list[CaseExploitation]:
        """A form or two, placed where the case says the survivor was taken: a foreign
        national mostly to a scam compound in a border or coastal province."""
        rng = self.rng
        if case.nationality != "KH":
            first = "forced_criminality" if rng.random() < 0.8 else self.pick_form()
            country, province = "KH", self.pick_compound()
        else:
            first = self.pick_form()
            country = case.destination_country if case.movement == "cross_border" else "KH"
            country = "" if country == "ZZ" else country
            province = None
        forms = [first]
        if rng.random() < SECOND_FORM_SHARE:
            second = self.pick_form()
            if second != first:
                forms.append(second)
        started = case.intake_date - dt.timedelta(days=rng.randint(30, 720))
        return [
            CaseExploitation(
                case_id=case.pk,
                form=form,
                country=country,
                province_id=province,
                started_on=started if rng.random() < 0.6 else None,
                ended_on=case.intake_date - dt.timedelta(days=rng.randint(0, 20))
                if rng.random() < 0.6
                else None,
            )
            for form in forms
        ]

    def _insert(self, model, rows):
        created = model.objects.bulk_create(rows, batch_size=5_000)
        self.counts[model._meta.db_table] += len(rows)
        return created

    def _consent(self, case: Case, purpose: str) -> Consent:
        guardian = case.minor_at_intake
        return Consent(
            case_id=case.pk,
            given_by="guardian" if guardian else "survivor",
            guardian_name="Parent" if guardian else "",
            child_assent=True if guardian else None,
            purpose=purpose,
            shared_with_kind="ngo" if purpose == "sharing" else "",
            covers_identity=True,
            covers_case_facts=True,
            covers_health=purpose == "services",
            given_on=case.intake_date,
            recorded_by_id=case.assigned_worker_id,
        )

    def _sessions(self, case: Case):
        rng = self.rng
        span = max((self.today - case.intake_date).days, 1)
        for _ in range(rng.randint(3, 7)):
            day = case.intake_date + dt.timedelta(days=rng.randint(0, min(span, 600)))
            yield CounsellingSession(
                case_id=case.pk,
                session_date=day,
                counsellor_id=case.assigned_worker_id,
                kind=rng.choice(["individual", "individual", "family", "group", "peer"]),
                setting=rng.choice(["shelter", "home_visit", "phone", "office"]),
                phase="after_reintegration" if rng.random() < 0.4 else "before_reintegration",
                duration_minutes=rng.choice([30, 45, 60, 90]),
            )

    def _visits(self, case: Case):
        if case.phase not in ("reintegrated", "closed"):
            return
        rng, today = self.rng, self.today
        returned = case.intake_date + dt.timedelta(days=rng.randint(60, 240))
        for months in VISIT_MONTHS[: rng.randint(11, 15)]:
            scheduled = returned + dt.timedelta(days=30 * months)
            if case.closed_on and scheduled > case.closed_on:
                return
            visit = FollowUpVisit(
                case_id=case.pk,
                scheduled_for=scheduled,
                assigned_worker_id=case.assigned_worker_id,
                plan_month=months,
            )
            roll = rng.random()
            if scheduled < today and roll < 0.80:
                visit.status = "done"
                visit.visited_on = min(scheduled + dt.timedelta(days=rng.randint(-3, 25)), today)
                visit.met_survivor = visit.met_family = True
                visit.safety, visit.health = rng.randint(2, 5), rng.randint(1, 5)
                visit.family_acceptance = rng.randint(1, 5)
                visit.community_acceptance = rng.randint(2, 5)
                visit.school_or_work = rng.choice(
                    ["school", "training", "employed", "own_business", "looking", "neither", ""]
                )
                if rng.random() < 0.8:
                    visit.monthly_income_riel = rng.choice([0, 100_000, 250_000, 400_000, 800_000])
                visit.retrafficking_risk = rng.random() < 0.05
                if rng.random() < 0.08:
                    visit.risk_signs = "A recruiter was seen in the village."
            elif scheduled < today and roll < 0.87:
                visit.status = "missed"
            elif scheduled < today and roll < 0.90:
                visit.status, visit.cancel_reason = "cancelled", "Family moved."
            yield visit

    def _referral(self, case: Case, consent_id: int) -> Referral:
        rng = self.rng
        receiver = rng.choice(self.receivers)
        while receiver.pk == case.organisation_id:
            receiver = rng.choice(self.receivers)
        sent = timezone.make_aware(
            dt.datetime.combine(case.intake_date, dt.time(9))
            + dt.timedelta(days=rng.randint(1, 120))
        )
        sent = min(sent, timezone.now())
        status = self.pick_status()
        answered = None
        if status != "sent" and not (status == "cancelled" and rng.random() < 0.5):
            answered = min(
                sent + dt.timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 8)),
                timezone.now(),
            )
        referral = Referral(
            case_id=case.pk,
            from_organisation_id=case.organisation_id,
            to_organisation_id=receiver.pk,
            service=rng.choice(SERVICES),
            reason="Needs the service.",
            shares_identity=True,
            shares_case_facts=True,
            consent_id=consent_id,
            status=status,
            decline_reason="No place." if status == "declined" else "",
            sent_by_id=case.assigned_worker_id,
            sent_at=sent,
            answered_at=answered,
            answered_by_id=rng.choice(self.workers[receiver.pk]) if answered else None,
            completed_at=answered + dt.timedelta(days=30) if status == "completed" else None,
        )
        referral.answer_days = referral.days_waiting() if answered else None
        return referral
