"""Dashboard personas and a small data set whose every number was counted by hand.

HTS (the `ngo` of tests/conftest.py) has 12 cases, OPN (`other_ngo`) 7:

| cases | org | province            | sex    | at intake | exploitation        | movement     |
|-------|-----|---------------------|--------|-----------|---------------------|--------------|
| 1–7   | HTS | 01 Banteay Meanchey | female | minor     | sexual exploitation | cross-border |
| 8–10  | HTS | 02 Battambang       | female | adult     | forced labour       | internal     |
| 11–12 | HTS | 02 Battambang       | male   | adult     | forced labour       | cross-border |
| 13–18 | OPN | 12 Phnom Penh       | female | adult     | domestic servitude  | internal     |
| 19    | OPN | 01 Banteay Meanchey | male   | minor     | forced begging      | internal     |

Cases 1–10 came in on `early`, 11–19 on `late` (two different months).
Phases: 1 and 2 reintegrated; 3 closed (reintegration completed) and 4 closed (lost contact)
by HTS's supervisor; 8 at intake; 13 closed (declined services) by OPN's supervisor; the rest
at identification. Referrals and follow-up visits: see `dataset`.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from cases.services import case_change_phase, consent_record
from followup.models import FollowUpVisit
from organisations.models import OrganisationKind, Province, Role, Village
from referrals.models import Referral
from referrals.services import referral_accept, referral_cancel, referral_decline, referral_start
from tests.cases.factories import CaseFactory
from tests.followup.factories import reintegrate
from tests.organisations.factories import OrganisationFactory, UserFactory
from tests.plans.factories import close_case
from tests.referrals.helpers import send


@pytest.fixture(autouse=True)
def _small_population_shown(settings):
    """The hand-counted data set has 19 cases, under the production minimum of a view
    (disclosure.MIN_POPULATION); the tests of that rule set it back."""
    settings.DASHBOARD_MIN_POPULATION = 5


@pytest.fixture
def provincial_department(db):
    return OrganisationFactory(
        name="Banteay Meanchey Department of Social Affairs",
        short_name="BMCDOSVY",
        kind=OrganisationKind.PROVINCIAL_DEPARTMENT,
        province=Province.objects.get(code="01"),
    )


@pytest.fixture
def provincial_officer(provincial_department):
    return UserFactory(
        username="officer.bmc", organisation=provincial_department, role=Role.MINISTRY_OFFICER
    )


@pytest.fixture
def api_client_user(ngo):
    return UserFactory(username="partner.api", organisation=ngo, role=Role.API_CLIENT)


@pytest.fixture
def other_supervisor(outsider):
    """`outsider` of tests/conftest.py is OPN's supervisor."""
    return outsider


@pytest.fixture
def other_worker(other_ngo):
    return UserFactory(username="opn.worker", organisation=other_ngo, role=Role.SOCIAL_WORKER)


@pytest.fixture
def health_facility(db):
    return OrganisationFactory(
        name="Provincial Referral Hospital", short_name="PRH", kind=OrganisationKind.HEALTH_FACILITY
    )


@pytest.fixture
def health_worker(health_facility):
    return UserFactory(username="prh.worker", organisation=health_facility, role=Role.SOCIAL_WORKER)


def village_in(province_code: str) -> Village:
    return (
        Village.objects.filter(commune__isnull=False, district__province_id=province_code)
        .order_by("id")
        .first()
    )


def months_ago(today: dt.date, months: int, day: int) -> dt.date:
    year, month = today.year, today.month - months
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, day)


def at_noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def _case(actor, *, province, sex, minor, form, movement, intake):
    years = 15 if minor else 25
    return CaseFactory(
        actor=actor,
        sex=sex,
        date_of_birth=intake - dt.timedelta(days=365 * years + 10),
        exploitation_form=form,
        movement=movement,
        destination_country="TH" if movement == "cross_border" else "",
        intake_date=intake,
        origin_village=village_in(province),
    )


@pytest.fixture
def dataset(
    owner, supervisor, other_supervisor, other_worker, other_ngo, health_facility, health_worker
):
    today = timezone.localdate()
    early, late = months_ago(today, 3, 10), months_ago(today, 1, 20)
    hts, opn = [], []
    hts += [
        _case(owner, province="01", sex="female", minor=True, form="sexual_exploitation",
              movement="cross_border", intake=early)
        for _ in range(7)
    ]  # fmt: skip
    hts += [
        _case(owner, province="02", sex="female", minor=False, form="forced_labour",
              movement="internal", intake=early)
        for _ in range(3)
    ]  # fmt: skip
    hts += [
        _case(owner, province="02", sex="male", minor=False, form="forced_labour",
              movement="cross_border", intake=late)
        for _ in range(2)
    ]  # fmt: skip
    opn += [
        _case(other_worker, province="12", sex="female", minor=False, form="domestic_servitude",
              movement="internal", intake=late)
        for _ in range(6)
    ]  # fmt: skip
    opn.append(
        _case(other_worker, province="01", sex="male", minor=True, form="begging",
              movement="internal", intake=late)
    )  # fmt: skip
    c = [None, *hts, *opn]  # c[1] … c[19], as in the table above

    reintegrate(c[1], owner)
    reintegrate(c[2], owner)
    reintegrate(c[3], owner)
    close_case(c[3], requested_by=owner, approved_by=supervisor, reason="reintegration_completed")
    close_case(c[4], requested_by=owner, approved_by=supervisor, reason="lost_contact")
    case_change_phase(actor=owner, case=c[8], to_phase="intake")
    close_case(
        c[13], requested_by=other_worker, approved_by=other_supervisor, reason="declined_services"
    )

    # Referrals from HTS. To OPN (NGO → NGO): accepted after 2, 4 days; started after 10 days;
    # declined after 3 and 5 days; one waiting; one cancelled unanswered. Answered: 2, 3, 4, 5,
    # 10 days, median 4. To the hospital (NGO → health facility): accepted after 1 day.
    def referral(case, to, answer_days, answer):
        guardian = {"given_by": "guardian", "guardian_name": "Mother", "child_assent": True}
        consent_record(
            actor=owner,
            case=case,
            purpose="sharing",
            given_on=timezone.localdate() - dt.timedelta(days=1),
            shared_with_organisation=to,
            covers_identity=True,
            covers_case_facts=True,
            **(guardian if case.minor_at_intake else {"given_by": "survivor"}),
        )
        sent = send(case, owner, to)
        receiver = other_supervisor if to == other_ngo else health_worker
        if answer == "accept":
            referral_accept(actor=receiver, referral=sent)
        elif answer == "start":
            referral_start(actor=receiver, referral=referral_accept(actor=receiver, referral=sent))
        elif answer == "decline":
            referral_decline(actor=receiver, referral=sent, reason="No place in the shelter.")
        elif answer == "cancel":
            referral_cancel(actor=owner, referral=sent)
        sent_at = at_noon(early + dt.timedelta(days=5))
        answered_at = sent_at + dt.timedelta(days=answer_days) if answer_days is not None else None
        Referral.objects.filter(pk=sent.pk).update(
            sent_at=sent_at, answered_at=answered_at, answer_days=answer_days
        )

    referral(c[1], other_ngo, 2, "accept")
    referral(c[2], other_ngo, 4, "accept")
    referral(c[5], other_ngo, 3, "decline")
    referral(c[6], other_ngo, None, None)
    referral(c[7], other_ngo, None, "cancel")
    referral(c[8], other_ngo, 10, "start")
    referral(c[9], other_ngo, 5, "decline")
    referral(c[1], health_facility, 1, "accept")

    # Follow-up visits of cases 1–3 (all HTS, Banteay Meanchey).
    def visit(case, scheduled, **fields):
        return FollowUpVisit.objects.create(
            case=case, scheduled_for=today + dt.timedelta(days=scheduled), **fields
        )

    visit(c[1], -60, status="done", visited_on=today - dt.timedelta(days=55), safety=4, health=4,
          family_acceptance=5, community_acceptance=3, school_or_work="employed",
          monthly_income_riel=300_000)  # fmt: skip
    visit(c[1], -30, status="done", visited_on=today - dt.timedelta(days=10), safety=2, health=3,
          family_acceptance=4, community_acceptance=4, school_or_work="own_business",
          monthly_income_riel=150_000, retrafficking_risk=True)  # fmt: skip
    visit(c[2], -20, status="missed")
    visit(c[2], -5)  # still planned: overdue
    visit(c[2], 30)  # not due yet
    visit(c[3], -90, status="done", visited_on=today - dt.timedelta(days=90), safety=5,
          school_or_work="school", risk_signs="A broker was seen in the village.")  # fmt: skip
    visit(c[3], -40, status="cancelled", cancel_reason="Family moved.")

    return SimpleNamespace(cases=c, early=early, late=late, today=today)
