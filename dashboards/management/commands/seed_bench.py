"""Build a realistic national data set fast, for the dashboards benchmark (bench/run_bench.py).

    manage.py seed_bench --cases 1000000

60 organisations (2 ministries, 3 provincial departments, NGOs, police, health facilities,
international organisations, courts) created through `organisation_create`; a few users per
organisation sharing one unusable password (no hashing cost); cases with real places of origin
and unique numbers; sensitive facts, consents, counselling sessions (~5 a case), referrals
(~1.5 a case, with the access they grant), follow-up visits (~5 a case: schedules of up to
three years for the cases that returned home) and plans (two goals of two actions) for the cases
in planning or reintegrated. The first NGO holds 20,000 cases at any total (the caseload-page
benchmark), the second 100,000 where the total leaves room for it (see `big_ngo_sizes`).

Rows are generated as plain tuples, a case and everything hanging on it at a time, and
written a batch of cases at a time: with PostgreSQL's COPY, elsewhere with bulk_create
(dashboards/bench_rows.py). Memory stays bounded by the batch. On PostgreSQL, secondary
indexes and foreign keys are set aside for the load and built again after it. Everything runs
in one transaction: a failed run leaves the database as it found it. Refuses to run twice,
and under production settings.
"""

import datetime as dt
import os
import random
import resource
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from itertools import accumulate
from pathlib import Path

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
from dashboards.bench_rows import row_writer
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
# A social worker in Cambodia carries a few dozen open cases: one for every 50 cases an
# organisation holds (about 40 of them open), and a supervisor for every 8 workers.
CASES_PER_WORKER = 50
WORKERS_PER_SUPERVISOR = 8
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


# The columns the seeder fills, per table, in the order of the tuples it hands the writer;
# the other columns take their defaults. Parents before children.
TABLES = [
    (Case, (
        "id", "case_number", "organisation_id", "assigned_worker_id", "phase", "closure_reason",
        "closed_on", "name_latin", "nationality", "languages", "interpreter_needed", "sex",
        "date_of_birth", "date_of_birth_estimated", "minor_at_intake", "origin_province_id",
        "origin_commune_id", "origin_village_id", "movement", "destination_country",
        "how_identified", "intake_date", "risk_level", "created_by_id", "last_contact_on",
    )),
    (CaseExploitation, ("id", "case_id", "form", "country", "province_id", "started_on",
                        "ended_on")),
    (CaseSensitiveFacts, ("id", "case_id", "hiv_status")),
    (CaseEvent, ("id", "case_id", "kind", "actor_id")),
    (Consent, (
        "id", "case_id", "given_by", "guardian_name", "child_assent", "purpose",
        "shared_with_kind", "covers_identity", "covers_case_facts", "covers_health", "given_on",
        "recorded_by_id",
    )),
    (CounsellingSession, ("id", "case_id", "session_date", "counsellor_id", "kind", "setting",
                          "phase", "duration_minutes")),
    (FollowUpVisit, (
        "id", "case_id", "scheduled_for", "assigned_worker_id", "plan_month", "status",
        "visited_on", "met_survivor", "met_family", "safety", "health", "family_acceptance",
        "community_acceptance", "school_or_work", "monthly_income_riel", "retrafficking_risk",
        "risk_signs", "cancel_reason",
    )),
    (Referral, (
        "id", "case_id", "from_organisation_id", "to_organisation_id", "service", "reason",
        "shares_identity", "shares_case_facts", "consent_id", "status", "decline_reason",
        "sent_by_id", "sent_at", "answered_at", "answered_by_id", "completed_at", "answer_days",
    )),
    (Plan, ("id", "case_id", "version", "status", "review_date", "created_by_id",
            "submitted_by_id")),
    (Goal, ("id", "plan_id", "domain", "description")),
    (Action, ("id", "goal_id", "what", "provider_kind", "target_date", "status")),
]  # fmt: skip
HOW_IDENTIFIED = ["police_raid", "self_referral", "hotline", "cross_border_return", "outreach"]
HIV_STATUSES = ["unknown", "negative", "negative", "positive", "not_disclosed"]
SCHOOL_OR_WORK = ["school", "training", "employed", "own_business", "looking", "neither", ""]
DEFAULT_BIG_NGOS = (20_000, 100_000)


def _backend_cpu_seconds() -> float | None:
    """CPU time of this connection's PostgreSQL process, where the server runs on this
    machine (parallel index-build workers not counted)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def timed(spent: Counter, name: str):
    started = time.monotonic()
    try:
        yield
    finally:
        spent[name] += time.monotonic() - started


class Weighted:
    """Fast weighted choice with a fixed random generator."""

    def __init__(self, rng: random.Random, pairs):
        self.rng, self.values = rng, [v for v, _w in pairs]
        self.cumulative = list(accumulate(w for _v, w in pairs))

    def __call__(self):
        return self.rng.choices(self.values, cum_weights=self.cumulative)[0]


def big_ngo_sizes(cases: int, sizes) -> list[int]:
    """The case counts of the big NGOs, the first NGOs in order. Each holds its size whatever
    the total, so a caseload page is measured at the same size at every scale: the first
    always (a quarter of the cases below its size), a further one only while all of them
    together hold at most half the cases (so at 1,000,000 cases NGOs of 20,000 and 100,000,
    at 200,000 the 20,000 one alone)."""
    sizes = list(sizes)
    if not sizes:
        return []
    kept = [sizes[0] if cases >= sizes[0] else cases // 4]
    for size in sizes[1:]:
        if sum(kept) + size > cases // 2:
            break
        kept.append(size)
    return kept


class Command(BaseCommand):
    help = "Build a national-scale benchmark data set with bulk inserts."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=200_000)
        parser.add_argument(
            "--big-ngo-cases",
            type=int,
            action="append",
            help="cases of a big NGO, repeatable (default: 20000 and 100000, the second "
            "only where the total leaves room for it)",
        )
        parser.add_argument("--batch", type=int, default=5_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, cases: int, big_ngo_cases, batch: int, seed: int, **options):
        if not getattr(settings, "ALLOW_DEMO_DATA", False):
            raise CommandError("seed_bench builds invented data: not under production settings.")
        if Organisation.objects.filter(short_name=f"{PREFIX}01").exists():
            raise CommandError("Bench data exists already: use a fresh database.")
        started = time.monotonic()
        self.rng = random.Random(seed)  # noqa: S311 - invented data, not security
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.zone = timezone.get_current_timezone()
        self.counts: Counter = Counter()
        if isinstance(big_ngo_cases, int):  # call_command(big_ngo_cases=20_000)
            big_ngo_cases = [big_ngo_cases]
        spent: Counter = Counter()  # where the time goes
        # All or nothing: a failed run leaves a database that can be seeded again.
        with transaction.atomic():
            organisations = self._organisations()
            self.counts["organisations"] = len(organisations)
            self._prepare(organisations)
            sizes = big_ngo_sizes(cases, big_ngo_cases or DEFAULT_BIG_NGOS)
            owners = self._case_owners(cases, sizes)
            self.workers = self._users(organisations, Counter(owners))
            self.receivers = [o.pk for o in organisations if o.pk in self.workers]
            self.writer = row_writer(TABLES)
            sequences: Counter = Counter()
            with self.writer.indexes_set_aside():
                for start in range(0, cases, batch):
                    with timed(spent, "generating rows"):
                        for org in owners[start : start + batch]:
                            self._case(org, sequences)
                    with timed(spent, "writing rows"):
                        self.writer.flush()
                    reset_queries()  # DEBUG keeps every query's SQL otherwise
                    done, seconds = min(start + batch, cases), time.monotonic() - started
                    self.stdout.write(f"  {done:>8} cases  {seconds:7.1f} s")
                del owners
            spent.update(self.writer.rebuilt)
            self.writer.finish()
            self.counts.update(self.writer.written)
            CaseNumberSequence.objects.bulk_create(
                [
                    CaseNumberSequence(organisation_id=org, year=year, last_value=value)
                    for (org, year), value in sequences.items()
                ],
                update_conflicts=True,
                unique_fields=["organisation", "year"],
                update_fields=["last_value"],
            )
            committing = time.monotonic()
        spent["committing"] = time.monotonic() - committing
        analysing = time.monotonic()
        if connection.vendor == "postgresql":
            # As autovacuum would in time: statistics for the planner, and the visibility map
            # that lets a count read an index alone (VACUUM cannot run in a transaction).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        spent["vacuum and analyse"] = time.monotonic() - analysing
        from dashboards.summary import summary_rebuild  # the dashboards read it

        summarising = time.monotonic()
        self.counts["dashboard summary rows"] = summary_rebuild()
        spent["dashboard summary"] = time.monotonic() - summarising
        elapsed = time.monotonic() - started
        usage = resource.getrusage(resource.RUSAGE_SELF)
        peak = usage.ru_maxrss / 1024
        # CPU seconds tell the work apart from a busy machine's waiting.
        spent["CPU of this process"] = usage.ru_utime + usage.ru_stime
        backend = _backend_cpu_seconds()
        if backend is not None:
            spent["CPU of its database session"] = backend
        for name, count in self.counts.items():
            self.stdout.write(f"{name:>34}: {count:>10,}")
        for name, seconds in spent.items():
            self.stdout.write(f"{'seconds ' + name:>34}: {seconds:>10.1f}")
        self.stdout.write(f"{'seconds':>34}: {elapsed:>10.1f}")
        self.stdout.write(f"{'peak memory (MiB, max RSS)':>34}: {peak:>10.1f}")

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

    def _users(self, organisations, cases_held: Counter) -> dict[int, list[int]]:
        """Officers for the government; elsewhere social workers in proportion to the cases
        the organisation holds (`CASES_PER_WORKER`, at least three), a supervisor for every
        `WORKERS_PER_SUPERVISOR` of them, and an administrator. Cases are shared among the
        workers and supervisors. One unusable password, computed once."""
        password = make_password(None)
        plan = []
        for org in organisations:
            if org.kind in (OrganisationKind.MINISTRY, OrganisationKind.PROVINCIAL_DEPARTMENT):
                roles = [Role.MINISTRY_OFFICER] * 2
            else:
                workers = max(3, round(cases_held[org.pk] / CASES_PER_WORKER))
                supervisors = -(-workers // WORKERS_PER_SUPERVISOR)
                roles = [Role.SOCIAL_WORKER] * workers + [Role.SUPERVISOR] * supervisors
                roles.append(Role.ORG_ADMIN)
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

    def _prepare(self, organisations) -> None:
        rng = self.rng
        self.organisations = organisations
        self.domains = list(Domain.values)
        self.action_statuses = [
            s.value for s in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DONE)
        ]
        # A visit's columns after its status when it did not take place: no day, nobody met,
        # no scores, no reason (the last column, the reason for a cancellation).
        self.not_visited = (None, False, False, None, None, None, None, "", None, False, "", "")
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

    def _case_owners(self, cases: int, big: list[int]) -> list[int]:
        """The organisation of each case: the first NGOs hold the `big` counts, the other
        NGOs (and a few police units and hospitals) the rest, unevenly."""
        holders = [o for o in self.organisations if o.kind == OrganisationKind.NGO]
        others = [o for o in self.organisations if o.kind in ("police", "health_facility")]
        weighted = Weighted(
            self.rng,
            [(o.pk, self.rng.randint(2, 20)) for o in holders[len(big) :]]
            + [(o.pk, 1) for o in others],
        )
        owners = [
            holder.pk for holder, size in zip(holders, big, strict=False) for _ in range(size)
        ]
        owners += [weighted() for _ in range(cases - len(owners))]
        self.rng.shuffle(owners)
        return owners

    # --- one case and everything that hangs on it ---------------------------------------------

    def _case(self, org: int, sequences: Counter) -> None:
        rng, today, add, next_id = self.rng, self.today, self.writer.add, self.writer.next_id
        province = self.pick_province()
        village_id, commune_id = rng.choice(self.villages[province])
        intake = today - dt.timedelta(days=rng.randint(0, 3 * 365))
        born = intake - dt.timedelta(days=rng.randint(11 * 365, 40 * 365))
        age = intake.year - born.year - ((intake.month, intake.day) < (born.month, born.day))
        minor = age < 18
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
        case_id = next_id(Case)
        self._exploitations(case_id, nationality, movement, destination, intake)
        add(CaseSensitiveFacts, (next_id(CaseSensitiveFacts), case_id, rng.choice(HIV_STATUSES)))
        add(CaseEvent, (next_id(CaseEvent), case_id, EventKind.CREATED.value, worker))
        self._consent(next_id(Consent), case_id, minor, "services", intake, worker)
        sharing = None
        if rng.random() < 0.88:
            sharing = next_id(Consent)
            self._consent(sharing, case_id, minor, "sharing", intake, worker)
        last_session = self._sessions(case_id, intake, worker)
        last_visit = self._visits(case_id, phase, intake, closed_on, worker)
        # What case_last_contact_refresh would store: the later of the two.
        last_contact = max(last_session, last_visit) if last_visit else last_session
        closure_reason = rng.choice(ClosureReason.values) if closed_on else ""
        interpreter = foreign and rng.random() < 0.7
        # A foreign national who needs an interpreter was brought into Cambodia and has no
        # place of origin here: the caseload's and the dashboards' "No province in Cambodia".
        if interpreter:
            province = commune_id = village_id = None
        add(
            Case,
            (
                case_id,
                f"{self.short[org]}-{intake.year}-{number:04d}",
                org,
                worker,
                phase,
                closure_reason,
                closed_on,
                f"Bench Survivor {org}-{number}",
                nationality,
                [LANGUAGES[nationality], "en"] if foreign else [],
                interpreter,
                self.pick_sex(),
                born,
                rng.random() < 0.3,
                minor,
                province,
                commune_id,
                village_id,
                movement,
                destination,
                rng.choice(HOW_IDENTIFIED),
                intake,
                rng.choice(["low", "medium", "medium", "high"]),
                worker,
                last_contact,
            ),
        )
        if sharing is not None:
            # The referrals holding access are the grants (referrals.selectors.holding_access).
            open_to = set()  # one open referral of a case per organisation and service
            for _ in range(self.pick_referrals() or 1):
                row = self._referral(case_id, org, worker, intake, sharing)
                receiver, service, status = row[2], row[3], row[8]
                if status in OPEN_REFERRAL:
                    if (receiver, service) in open_to:
                        continue
                    open_to.add((receiver, service))
                add(Referral, (next_id(Referral), *row))
        if phase in PLANNED_PHASES:
            self._plan(case_id, phase, worker)

    def _plan(self, case_id: int, phase: str, worker: int) -> None:
        """An approved plan for the cases past planning (a draft for those in it), two goals
        each with two actions spread around today, so "my work" has plan items to find."""
        rng, today, add, next_id = self.rng, self.today, self.writer.add, self.writer.next_id
        plan_id = next_id(Plan)
        approved = phase == "reintegrated" or rng.random() < 0.5
        add(
            Plan,
            (
                plan_id,
                case_id,
                1,
                PlanStatus.APPROVED.value if approved else PlanStatus.DRAFT.value,
                today + dt.timedelta(days=rng.randint(-30, 90)),
                worker,
                worker,
            ),
        )
        for domain in rng.sample(self.domains, 2):
            goal_id = next_id(Goal)
            add(Goal, (goal_id, plan_id, domain, "Steady income for the family."))
            for _ in range(2):
                add(
                    Action,
                    (
                        next_id(Action),
                        goal_id,
                        "Vocational training course",
                        "own",
                        today + dt.timedelta(days=rng.randint(-60, 180)),
                        rng.choice(self.action_statuses),
                    ),
                )

    def _exploitations(self, case_id, nationality, movement, destination, intake) -> None:
        """A form or two, placed where the case says the survivor was taken: a foreign
        national mostly to a scam compound in a border or coastal province."""
        rng = self.rng
        if nationality != "KH":
            first = "forced_criminality" if rng.random() < 0.8 else self.pick_form()
            country, province = "KH", self.pick_compound()
        else:
            first = self.pick_form()
            country = destination if movement == "cross_border" else "KH"
            country = "" if country == "ZZ" else country
            province = None
        forms = [first]
        if rng.random() < SECOND_FORM_SHARE:
            second = self.pick_form()
            if second != first:
                forms.append(second)
        started = intake - dt.timedelta(days=rng.randint(30, 720))
        for form in forms:
            self.writer.add(
                CaseExploitation,
                (
                    self.writer.next_id(CaseExploitation),
                    case_id,
                    form,
                    country,
                    province,
                    started if rng.random() < 0.6 else None,
                    intake - dt.timedelta(days=rng.randint(0, 20)) if rng.random() < 0.6 else None,
                ),
            )

    def _consent(self, consent_id, case_id, minor, purpose, intake, worker) -> None:
        self.writer.add(
            Consent,
            (
                consent_id,
                case_id,
                "guardian" if minor else "survivor",
                "Parent" if minor else "",
                True if minor else None,
                purpose,
                "ngo" if purpose == "sharing" else "",
                True,
                True,
                purpose == "services",
                intake,
                worker,
            ),
        )

    def _sessions(self, case_id, intake, worker) -> dt.date:
        """Three to seven counselling sessions; the day of the latest."""
        rng, add, next_id = self.rng, self.writer.add, self.writer.next_id
        limit = min(max((self.today - intake).days, 1), 600)
        latest = intake
        for _ in range(rng.randint(3, 7)):
            day = intake + dt.timedelta(days=rng.randint(0, limit))
            latest = max(latest, day)
            add(
                CounsellingSession,
                (
                    next_id(CounsellingSession),
                    case_id,
                    day,
                    worker,
                    rng.choice(["individual", "individual", "family", "group", "peer"]),
                    rng.choice(["shelter", "home_visit", "phone", "office"]),
                    "after_reintegration" if rng.random() < 0.4 else "before_reintegration",
                    rng.choice([30, 45, 60, 90]),
                ),
            )
        return latest

    def _visits(self, case_id, phase, intake, closed_on, worker) -> dt.date | None:
        """The schedule after return of a case that went home; the day of the latest visit
        that took place."""
        if phase not in ("reintegrated", "closed"):
            return None
        rng, today, add, next_id = self.rng, self.today, self.writer.add, self.writer.next_id
        returned = intake + dt.timedelta(days=rng.randint(60, 240))
        latest = None
        for months in VISIT_MONTHS[: rng.randint(11, 15)]:
            scheduled = returned + dt.timedelta(days=30 * months)
            if closed_on and scheduled > closed_on:
                break
            roll = rng.random()
            if scheduled < today and roll < 0.80:
                visited = min(scheduled + dt.timedelta(days=rng.randint(-3, 25)), today)
                latest = visited if latest is None else max(latest, visited)
                row = (
                    "done",
                    visited,
                    True,
                    True,
                    rng.randint(2, 5),
                    rng.randint(1, 5),
                    rng.randint(1, 5),
                    rng.randint(2, 5),
                    rng.choice(SCHOOL_OR_WORK),
                    rng.choice([0, 100_000, 250_000, 400_000, 800_000])
                    if rng.random() < 0.8
                    else None,
                    rng.random() < 0.05,
                    "A recruiter was seen in the village." if rng.random() < 0.08 else "",
                    "",
                )
            elif scheduled < today and roll < 0.87:
                row = ("missed", *self.not_visited)
            elif scheduled < today and roll < 0.90:
                row = ("cancelled", *self.not_visited[:-1], "Family moved.")
            else:
                row = ("planned", *self.not_visited)
            add(FollowUpVisit, (next_id(FollowUpVisit), case_id, scheduled, worker, months, *row))
        return latest

    def _referral(self, case_id, org, worker, intake, consent_id) -> tuple:
        """A referral's columns after its id."""
        rng, zone = self.rng, self.zone
        receiver = rng.choice(self.receivers)
        while receiver == org:
            receiver = rng.choice(self.receivers)
        sent = dt.datetime.combine(intake, dt.time(9), tzinfo=zone) + dt.timedelta(
            days=rng.randint(1, 120)
        )
        sent = min(sent, self.now)
        service = rng.choice(SERVICES)
        status = self.pick_status()
        answered = None
        if status != "sent" and not (status == "cancelled" and rng.random() < 0.5):
            answered = min(
                sent + dt.timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 8)), self.now
            )
        return (
            case_id,
            org,
            receiver,
            service,
            "Needs the service.",
            True,
            True,
            consent_id,
            status,
            "No place." if status == "declined" else "",
            worker,
            sent,
            answered,
            rng.choice(self.workers[receiver]) if answered else None,
            answered + dt.timedelta(days=30) if status == "completed" else None,
            # As Referral.days_waiting counts them, in local days.
            (answered.astimezone(zone).date() - sent.astimezone(zone).date()).days
            if answered
            else None,
        )
