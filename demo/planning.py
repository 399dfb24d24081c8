"""Every random choice of the demo, made before anything is written."""

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cases.models import (
    ClosureReason,
    ConsentGiver,
    ConsentPurpose,
    DestinationCountry,
    ExploitationForm,
    HivStatus,
    HowIdentified,
    Movement,
    Phase,
    SessionPhase,
    SessionSetting,
    Sex,
)
from cases.services import (
    ADULT_AGE,
    age_on,
)
from organisations.models import OrganisationKind

from .data import (
    CLOSURES,
    COMPOUND_PROVINCES,
    CROSS_BORDER_SHARE,
    DESTINATIONS,
    ESTIMATED_BIRTH_DATE_SHARE,
    FAMILY_CONTACTS,
    FAMILY_NAMES,
    FEMALE_EXPLOITATION,
    FEMALE_GIVEN_NAMES,
    FORCED_MARRIAGE_DESTINATIONS,
    FOREIGN_NATIONAL_SHARE,
    FOREIGN_NATIONALS,
    GUARDIANS,
    HANDOVER_SHARE,
    HEALTH_NOTES,
    HIV_POSITIVE_NOTE,
    HOME_PROVINCE_BOOST,
    IDENTIFIED_CROSS_BORDER,
    IDENTIFIED_INTERNAL,
    INTAKE_DAYS_AGO,
    KINDS_AFTER_RETURN,
    KINDS_BEFORE_RETURN,
    LEGAL_DETAILS,
    MALE_EXPLOITATION,
    MALE_GIVEN_NAMES,
    MINOR_SHARE,
    NEXT_SESSION_AFTER_DAYS,
    NGO_SLUGS,
    ORIGIN_PROVINCE_WEIGHTS,
    PHASE_WEIGHTS,
    PHONE_MINUTES,
    REOPEN_NOTE,
    REOPENED_SHARE,
    RISK_LEVELS,
    SECOND_FORM_SHARE,
    SESSION_COUNTS,
    SESSION_MINUTES,
    SESSION_NOTES,
    SETBACK_NOTE,
    SETBACK_SHARE,
    SETTINGS_AFTER_RETURN,
    SETTINGS_BEFORE_RETURN,
    SHARES_FAMILY_NAME,
    SHARING_SHARE,
    SKIP_RECOVERY_SHARE,
    START_AT_IDENTIFICATION_SHARE,
    TOPICS_AFTER_RETURN,
    TOPICS_BEFORE_RETURN,
    YEARS_OF_HISTORY,
    OrgSpec,
)

if TYPE_CHECKING:
    from .dating import PlanWork
    from .referring import ReferralPlan

# ---------------------------------------------------------------------------------------------
# Planning: every random choice is made here, before anything is written, so the same seed gives
# the same demo whichever organisations already existed.


@dataclass
class CasePlan:
    organisation: str
    village_id: int | None  # None: a foreign national with no place of origin in Cambodia
    by_second_worker: bool
    handover: bool
    case: dict  # keyword arguments of case_create, except the actor and the place
    steps: list[dict]  # to_phase, note, and closure_reason when closing; in order
    consents: list[dict]  # keyword arguments of consent_record; "shared_with" is a slug
    sessions: list[dict]  # keyword arguments of counselling_session_log, with "by_supervisor"
    reintegrated_on: dt.date | None = None  # when a case that reached reintegration did
    referrals: list["ReferralPlan"] = field(default_factory=list)  # in the order sent
    # When the rest happened (demo.dating): each step, consent and session has its "at" too.
    registered_at: dt.datetime | None = None
    plan_work: "PlanWork | None" = None  # for a case whose reintegration was planned
    handed_over_at: dt.datetime | None = None  # for a case handed over to the other worker


@dataclass
class Route:
    """The phase a case was registered in and the phases it then moved through, in order."""

    start: str
    phases: list[str]
    intake_days_ago: tuple[int, int]
    closure_reason: str = ""

    @property
    def current(self) -> str:
        return self.phases[-1] if self.phases else self.start

    @property
    def last_open_phase(self) -> str:
        """Where the case stood before it was closed, or where it stands if it is open."""
        if self.current != Phase.CLOSED:
            return self.current
        return [self.start, *self.phases][-2]

    def steps(self) -> list[dict]:
        steps, previous = [], self.start
        for index, phase in enumerate(self.phases):
            step = {"to_phase": phase, "closure_reason": "", "note": ""}
            if phase == Phase.CLOSED:
                final = index == len(self.phases) - 1
                reason = self.closure_reason if final else ClosureReason.LOST_CONTACT
                step |= {"closure_reason": reason, "note": CLOSURES[reason].note}
            elif previous == Phase.CLOSED:
                step["note"] = REOPEN_NOTE
            elif previous == Phase.REINTEGRATION_PLANNING and phase == Phase.RECOVERY:
                step["note"] = SETBACK_NOTE
            steps.append(step)
            previous = phase
        return steps


def has_home_in_cambodia(case: dict) -> bool:
    """A foreign national who needs an interpreter was brought into Cambodia (a scam compound)
    and has no place of origin here; one who does not has long lived in a Cambodian village."""
    return case.get("nationality", "KH") == "KH" or not case["interpreter_needed"]


class CasePlanner:
    def __init__(self, rng: random.Random, today: dt.date, village_ids: dict[str, list[int]]):
        self.rng = rng
        self.today = today
        self.village_ids = village_ids

    def pick(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def days_before_today(self, low: int, high: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low, high))

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))

    def plan(self, organisation: OrgSpec) -> CasePlan:
        route = self.route(self.pick(PHASE_WEIGHTS))
        intake_date = self.days_before_today(*route.intake_days_ago)
        survivor, relative = self.survivor(intake_date)
        case = self.facts(organisation.slug, survivor)
        case |= {"intake_date": intake_date, "phase": route.start}
        reintegrated_on = self.reintegration_day(case, route)
        # Drawn for every case, so that the draws after it stay the same.
        village_id = self.village(organisation.province)
        return CasePlan(
            organisation=organisation.slug,
            village_id=village_id if has_home_in_cambodia(case) else None,
            by_second_worker=self.rng.random() < 0.5,
            handover=self.rng.random() < HANDOVER_SHARE,
            case=case,
            steps=route.steps(),
            consents=self.consents(organisation.slug, case, route, relative),
            sessions=self.sessions(case, route, reintegrated_on),
            reintegrated_on=reintegrated_on,
        )

    # The path -------------------------------------------------------------------------------

    def route(self, target: str) -> Route:
        if target == Phase.CLOSED:
            reason = self.pick({reason: closure.weight for reason, closure in CLOSURES.items()})
            closure = CLOSURES[reason]
            start, phases = self.route_through(self.rng.choice(closure.closed_from))
            days_ago = (closure.min_days_ago, 365 * YEARS_OF_HISTORY)
            return Route(start, [*phases, Phase.CLOSED], days_ago, closure_reason=reason)
        start, phases = self.route_through(target)
        if target == Phase.RECOVERY and self.rng.random() < REOPENED_SHARE:
            phases += [Phase.CLOSED, Phase.INTAKE, Phase.RECOVERY]
            return Route(start, phases, (200, 365 * YEARS_OF_HISTORY))
        return Route(start, phases, INTAKE_DAYS_AGO[target])

    def route_through(self, target: str) -> tuple[str, list[str]]:
        """The phase a case reaching `target` was registered in, and the phases it then took."""
        rng = self.rng
        registered_early = rng.random() < START_AT_IDENTIFICATION_SHARE
        if target == Phase.IDENTIFICATION or registered_early:
            start, phases = Phase.IDENTIFICATION, []
            if target != Phase.IDENTIFICATION:
                phases.append(Phase.INTAKE)
        else:
            start, phases = Phase.INTAKE, []
        planning_or_beyond = target in (Phase.REINTEGRATION_PLANNING, Phase.REINTEGRATED)
        # Adults with a safe family sometimes go home without a stay in a shelter.
        if target == Phase.RECOVERY or (planning_or_beyond and rng.random() > SKIP_RECOVERY_SHARE):
            phases.append(Phase.RECOVERY)
        if planning_or_beyond:
            phases.append(Phase.REINTEGRATION_PLANNING)
            if Phase.RECOVERY in phases and rng.random() < SETBACK_SHARE:
                phases += [Phase.RECOVERY, Phase.REINTEGRATION_PLANNING]
        if target == Phase.REINTEGRATED:
            phases.append(Phase.REINTEGRATED)
        return start, phases

    # The survivor ---------------------------------------------------------------------------

    def survivor(self, intake_date: dt.date) -> tuple[dict, tuple[str, str]]:
        """The survivor's identity, and the closest relative: (relationship, name)."""
        rng = self.rng
        if rng.random() < FOREIGN_NATIONAL_SHARE:
            return self.foreign_national(intake_date)
        sex = Sex.FEMALE if rng.random() < 0.8 else Sex.MALE
        family = rng.choice(FAMILY_NAMES)
        given = rng.choice(FEMALE_GIVEN_NAMES if sex == Sex.FEMALE else MALE_GIVEN_NAMES)
        form = self.pick(FEMALE_EXPLOITATION if sex == Sex.FEMALE else MALE_EXPLOITATION)
        born, estimated = self.birth_date(form, intake_date)
        relationship = self.pick(GUARDIANS)
        relative = (relationship, self.relative_name(relationship, family[0]))
        identity = {
            "name_latin": f"{family[0]} {given[0]}",
            "name_khmer": f"{family[1]} {given[1]}",
            "sex": sex,
            "date_of_birth": born,
            "date_of_birth_estimated": estimated,
            "exploitation_form": form,
            "family_contact": rng.choice(FAMILY_CONTACTS).format(
                relative=relationship.capitalize(), name=relative[1]
            ),
        }
        return identity, relative

    def foreign_national(self, intake_date: dt.date) -> tuple[dict, tuple[str, str]]:
        """A survivor of another nationality freed from a scam compound: no Khmer name, an
        interpreter most often."""
        rng = self.rng
        nationality = self.pick({code: spec[0] for code, spec in FOREIGN_NATIONALS.items()})
        _weight, language, women, men = FOREIGN_NATIONALS[nationality]
        sex = Sex.FEMALE if rng.random() < 0.5 else Sex.MALE
        name = rng.choice(women if sex == Sex.FEMALE else men)
        form = ExploitationForm.FORCED_CRIMINALITY
        born, estimated = self.birth_date(form, intake_date)
        relative = ("sister", rng.choice(women).split()[-1])
        identity = {
            "name_latin": name,
            "name_khmer": "",
            "nationality": nationality,
            "languages": [language] if rng.random() < 0.7 else [language, "en"],
            "interpreter_needed": rng.random() < 0.8,
            "sex": sex,
            "date_of_birth": born,
            "date_of_birth_estimated": estimated,
            "exploitation_form": form,
            "family_contact": f"Sister {relative[1]}, reachable through the embassy.",
        }
        return identity, relative

    def birth_date(self, form: str, intake_date: dt.date) -> tuple[dt.date, bool]:
        rng = self.rng
        if rng.random() < MINOR_SHARE[form]:
            age = rng.randint(7, 14) if form == ExploitationForm.BEGGING else rng.randint(11, 17)
        else:
            age = min(18 + int(rng.expovariate(1 / 7)), 55)
        born = _years_before(intake_date, age) - dt.timedelta(days=rng.randint(0, 364))
        # Without papers, staff record the year the family remembers, from 1 January.
        if rng.random() < ESTIMATED_BIRTH_DATE_SHARE:
            return dt.date(born.year, 1, 1), True
        return born, False

    def relative_name(self, relative: str, family_name: str) -> str:
        if relative not in SHARES_FAMILY_NAME:
            family_name = self.rng.choice(FAMILY_NAMES)[0]
        given = self.rng.choice(MALE_GIVEN_NAMES if relative == "father" else FEMALE_GIVEN_NAMES)
        return f"{family_name} {given[0]}"

    def village(self, home_province: str | None) -> int:
        weights = {
            code: weight * (HOME_PROVINCE_BOOST if code == home_province else 1)
            for code, weight in ORIGIN_PROVINCE_WEIGHTS.items()
        }
        return self.rng.choice(self.village_ids[self.pick(weights)])

    # The facts ------------------------------------------------------------------------------

    def facts(self, organisation: str, survivor: dict) -> dict:
        survivor = dict(survivor)
        form = survivor.pop("exploitation_form")
        if survivor.get("nationality", "KH") != "KH":
            journey = {
                "movement": Movement.CROSS_BORDER,
                "destination_country": DestinationCountry.CAMBODIA,
                "how_identified": HowIdentified.POLICE_RAID,
                "risk_level": self.pick(RISK_LEVELS),
            }
            where = ("KH", self.pick(COMPOUND_PROVINCES))
        else:
            journey = self.journey(form)
            where = (journey["destination_country"] or "KH", None)
        forms = [form]
        second = self.pick(
            FEMALE_EXPLOITATION if survivor["sex"] == Sex.FEMALE else MALE_EXPLOITATION
        )
        if self.rng.random() < SECOND_FORM_SHARE and second != form:
            forms.append(second)
        exploitations = [self.exploitation(f, *where) for f in forms]
        return survivor | journey | {"exploitations": exploitations} | self.sensitive(organisation)

    def exploitation(self, form: str, country: str, province_id: str | None) -> dict:
        """Where and when, as a worker records it: the dates often only roughly known."""
        rng = self.rng
        return {
            "form": form,
            "country": country,
            "province_id": province_id,
            "months_before_intake": (rng.randint(3, 24), rng.randint(0, 1)),
            "dated": rng.random() < 0.6,
        }

    def journey(self, form: str) -> dict:
        forced_marriage = form == ExploitationForm.FORCED_MARRIAGE
        if forced_marriage or self.rng.random() < CROSS_BORDER_SHARE:
            destinations = FORCED_MARRIAGE_DESTINATIONS if forced_marriage else DESTINATIONS
            return {
                "movement": Movement.CROSS_BORDER,
                "destination_country": self.pick(destinations),
                "how_identified": self.pick(IDENTIFIED_CROSS_BORDER),
                "risk_level": self.pick(RISK_LEVELS),
            }
        return {
            "movement": Movement.INTERNAL,
            "destination_country": "",
            "how_identified": self.pick(IDENTIFIED_INTERNAL),
            "risk_level": self.pick(RISK_LEVELS),
        }

    def sensitive(self, organisation: str) -> dict:
        rng = self.rng
        facts = {"hiv_status": HivStatus.UNKNOWN, "health_notes": "", "legal_details": ""}
        if organisation == "hiv-care" or rng.random() < 0.4:
            positive_share = 0.35 if organisation == "hiv-care" else 0.06
            facts["hiv_status"] = self.pick(
                {
                    HivStatus.POSITIVE: positive_share,
                    HivStatus.NEGATIVE: 0.85 - positive_share,
                    HivStatus.NOT_DISCLOSED: 0.15,
                }
            )
        if facts["hiv_status"] == HivStatus.POSITIVE:
            facts["health_notes"] = HIV_POSITIVE_NOTE
        elif rng.random() < 0.3:
            facts["health_notes"] = rng.choice(HEALTH_NOTES)
        if rng.random() < (0.6 if organisation == "legal-aid" else 0.1):
            facts["legal_details"] = rng.choice(LEGAL_DETAILS)
        return facts

    # Consent --------------------------------------------------------------------------------

    def consents(
        self, organisation: str, case: dict, route: Route, relative: tuple[str, str]
    ) -> list[dict]:
        has_health_facts = case["hiv_status"] != HivStatus.UNKNOWN or bool(case["health_notes"])
        services = {
            "purpose": ConsentPurpose.SERVICES,
            "given_on": case["intake_date"],
            "covers_identity": True,
            "covers_case_facts": True,
            "covers_health": has_health_facts,
        }
        consents = [services | self.giver(case, case["intake_date"], relative)]
        if route.last_open_phase != Phase.IDENTIFICATION and self.rng.random() < SHARING_SHARE:
            given_on = self.date_between(case["intake_date"], self.today)
            consents.append(
                self.sharing(organisation, case, given_on) | self.giver(case, given_on, relative)
            )
        return consents

    def sharing(self, organisation: str, case: dict, given_on: dt.date) -> dict:
        rng = self.rng
        with_kind, with_slug = "", ""
        if rng.random() < 0.35:
            with_kind = OrganisationKind.NGO
        elif case["movement"] == Movement.CROSS_BORDER and rng.random() < 0.3:
            with_slug = "iom"  # repatriation and reintegration support
        else:
            with_slug = rng.choice([slug for slug in NGO_SLUGS if slug != organisation])
        consent = {
            "purpose": ConsentPurpose.SHARING,
            "given_on": given_on,
            "shared_with_kind": with_kind,
            "shared_with": with_slug,
            "covers_identity": rng.random() < 0.7,
            "covers_case_facts": True,
            "covers_health": with_slug == "hiv-care" or rng.random() < 0.25,
            "expires_on": given_on + dt.timedelta(days=365) if rng.random() < 0.4 else None,
        }
        return consent

    def giver(self, case: dict, given_on: dt.date, relative: tuple[str, str]) -> dict:
        """Who gives consent on a date: the closest relative as guardian, with the child's
        assent, while a child who was a minor at intake is still under 18; else the survivor."""
        born = case["date_of_birth"]
        minor_at_intake = age_on(born=born, on=case["intake_date"]) < ADULT_AGE
        if not (minor_at_intake and age_on(born=born, on=given_on) < ADULT_AGE):
            return {"given_by": ConsentGiver.SURVIVOR}
        return {
            "given_by": ConsentGiver.GUARDIAN,
            "guardian_name": relative[1],
            "guardian_relationship": relative[0],
            "child_assent": self.rng.random() < 0.95,
        }

    # Counselling ----------------------------------------------------------------------------

    def reintegration_day(self, case: dict, route: Route) -> dt.date | None:
        if Phase.REINTEGRATED not in route.phases:
            return None
        intake_date = case["intake_date"]
        span = (self.today - intake_date).days
        return intake_date + dt.timedelta(days=int(span * self.rng.uniform(0.35, 0.6)))

    def sessions(self, case: dict, route: Route, reintegrated_on: dt.date | None) -> list[dict]:
        intake_date = case["intake_date"]
        span = (self.today - intake_date).days
        last_day = self.today
        if route.current == Phase.CLOSED:
            # Sessions stop some weeks before a case is closed.
            last_day = intake_date + dt.timedelta(days=int(span * 0.9))
        count = self.rng.randint(*SESSION_COUNTS[route.last_open_phase])
        dates = sorted(self.date_between(intake_date, last_day) for _ in range(count))
        return [self.session(day, reintegrated_on) for day in dates]

    def session(self, day: dt.date, reintegrated_on: dt.date | None) -> dict:
        rng = self.rng
        after = reintegrated_on is not None and day >= reintegrated_on
        kind = self.pick(KINDS_AFTER_RETURN if after else KINDS_BEFORE_RETURN)
        setting = self.pick(SETTINGS_AFTER_RETURN if after else SETTINGS_BEFORE_RETURN)
        minutes = PHONE_MINUTES if setting == SessionSetting.PHONE else SESSION_MINUTES[kind]
        next_day = None
        if rng.random() < 0.6:
            next_day = day + dt.timedelta(days=rng.choice(NEXT_SESSION_AFTER_DAYS))
        return {
            "session_date": day,
            "kind": kind,
            "setting": setting,
            "phase": SessionPhase.AFTER if after else SessionPhase.BEFORE,
            "duration_minutes": 5 * (rng.randint(*minutes) // 5),
            "topics": rng.choice(TOPICS_AFTER_RETURN if after else TOPICS_BEFORE_RETURN),
            "confidential_notes": rng.choice(SESSION_NOTES),
            "next_session_date": next_day,
            "by_supervisor": rng.random() < 0.1,
        }


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)
