"""The demo seed: organisations, logins and a realistic caseload, written once and only where
demo data is allowed."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import CommandError
from django.db.models import Count, F
from django.utils import timezone

from cases.models import Case, CaseEvent, Consent, CounsellingSession, EventKind, Phase
from cases.permissions import visible_case_categories
from cases.selectors import case_list_visible_to
from cases.visibility import HEALTH
from demo.data import demo_users
from organisations.models import Organisation, OrganisationKind, Role, User
from plans.models import Approval, ApprovalKind, ApprovalStatus
from referrals.models import Referral, Status
from referrals.selectors import referral_inbox_for, referral_list_for_case, referral_outbox_for
from tests.demo.conftest import SEEDED_AT, seed

# The package's seed (conftest.py), read at the seed's moment whatever the hour the tests run
# at: its tests read "today" as the seed did.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.xdist_group("seed_demo"),
    pytest.mark.own_clock,
]

NGO_SLUGS = ["shelter", "legal-aid", "hiv-care", "vocational"]
NGO_STAFF = {
    "worker": Role.SOCIAL_WORKER,
    "worker2": Role.SOCIAL_WORKER,
    "supervisor": Role.SUPERVISOR,
    "admin": Role.ORG_ADMIN,
}


def counts() -> dict[str, int]:
    models = (Organisation, User, Case, Consent, CounsellingSession, CaseEvent, Referral)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture(autouse=True)
def _clock_from_the_seed():
    """The clock starts at the seed's moment and runs on through each test."""
    with time_machine.travel(SEEDED_AT, tick=True):
        yield


def test_ministries_have_two_provincial_departments_each(seeded):
    for slug in ("mosalvy", "mwva"):
        ministry = Organisation.objects.get(slug=slug)
        assert ministry.kind == OrganisationKind.MINISTRY
        assert ministry.short_name == slug.upper()
        departments = ministry.departments.all()
        assert len(departments) == 2
        for department in departments:
            assert department.kind == OrganisationKind.PROVINCIAL_DEPARTMENT
            assert department.province is not None


def test_iom_and_four_ngos_in_different_provinces(seeded):
    iom = Organisation.objects.get(short_name="IOM")
    assert (iom.kind, iom.province_id) == (OrganisationKind.INTERNATIONAL, "12")
    ngos = Organisation.objects.filter(slug__in=NGO_SLUGS)
    assert {ngo.kind for ngo in ngos} == {OrganisationKind.NGO}
    assert len({ngo.province_id for ngo in ngos}) == 4


def test_every_demo_login_has_its_role_and_the_demo_password(seeded, settings):
    expected = {
        f"{prefix}.{slug}": (role, slug) for slug in NGO_SLUGS for prefix, role in NGO_STAFF.items()
    }
    expected |= {
        "officer.mosalvy": (Role.MINISTRY_OFFICER, "mosalvy"),
        "officer.mwva": (Role.MINISTRY_OFFICER, "mwva"),
    }
    for username, (role, slug) in expected.items():
        user = authenticate(username=username, password=settings.DEMO_PASSWORD)
        assert user is not None, username
        assert (user.membership.role, user.membership.organisation.slug) == (role, slug)
        assert user.first_name and user.last_name
        assert username in seeded
    assert settings.DEMO_PASSWORD in seeded


def test_about_two_hundred_cases_over_four_ngos_provinces_and_every_phase(seeded):
    cases = Case.objects.all()
    assert 180 <= cases.count() <= 220
    per_ngo = {slug: cases.filter(organisation__slug=slug).count() for slug in NGO_SLUGS}
    assert all(40 <= n <= 60 for n in per_ngo.values()), per_ngo
    assert cases.values("origin_province").distinct().count() >= 8
    assert set(cases.values_list("phase", flat=True)) == set(Phase.values)
    assert not cases.filter(nationality="KH", name_khmer="").exists()


def test_scam_compound_survivors_of_other_nationalities_and_cases_with_several_forms(seeded):
    foreign = Case.objects.exclude(nationality="KH")
    assert foreign.exists()
    assert foreign.filter(interpreter_needed=True).exists()
    assert not foreign.filter(languages=[]).exists()
    assert set(foreign.values_list("exploitations__form", flat=True)) >= {"forced_criminality"}
    assert foreign.filter(exploitations__country="KH", exploitations__province="18").exists()
    several = Case.objects.annotate(forms=Count("exploitations")).filter(forms__gt=1)
    assert several.exists()
    assert not Case.objects.filter(exploitations__isnull=True).exists()


def test_some_foreign_nationals_have_no_place_of_origin_in_cambodia(seeded):
    """As the caseload's "No province in Cambodia" filter and the dashboards' row show them;
    a Cambodian always has one."""
    without_origin = Case.objects.filter(origin_province__isnull=True)
    assert without_origin.exists()
    assert not without_origin.filter(nationality="KH").exists()
    assert not without_origin.filter(origin_village__isnull=False).exists()
    assert Case.objects.exclude(nationality="KH").filter(origin_province__isnull=False).exists()


def test_children_are_a_realistic_share_and_consented_for_by_a_guardian(seeded):
    cases = Case.objects.all()
    minors = cases.filter(minor_at_intake=True)
    assert 0.25 <= minors.count() / cases.count() <= 0.55
    assert not Consent.objects.filter(
        case__in=minors, purpose="services", given_by="survivor"
    ).exists()


def test_every_case_has_consent_and_every_closure_a_reason_given_by_a_supervisor(seeded):
    assert not Case.objects.filter(consents__isnull=True).exists()
    closed = Case.objects.filter(phase=Phase.CLOSED)
    assert closed.exists()
    assert not closed.filter(closure_reason="").exists()
    closers = CaseEvent.objects.filter(kind=EventKind.PHASE_CHANGED, to_phase=Phase.CLOSED)
    assert set(closers.values_list("actor__membership__role", flat=True)) == {Role.SUPERVISOR}
    # Each closing is a worker's request that a supervisor approved.
    approved = Approval.objects.filter(kind=ApprovalKind.CLOSURE, status=ApprovalStatus.APPROVED)
    assert approved.count() == closers.count()
    assert set(approved.values_list("decided_by__membership__role", flat=True)) == {Role.SUPERVISOR}
    assert not approved.filter(requested_by=F("decided_by")).exists()


def test_counselling_sessions_fall_between_intake_and_today(seeded):
    sessions = CounsellingSession.objects.select_related("case")
    assert sessions.exists()
    today = timezone.localdate()
    assert all(s.case.intake_date <= s.session_date <= today for s in sessions)


def test_plans_at_every_stage_with_assessments_preparation_and_services(seeded):
    from plans.models import (
        Approval,
        CommunityPreparation,
        FamilyAssessment,
        Plan,
        PlanStatus,
        ServiceDelivery,
    )

    statuses = set(Plan.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "returned", "approved"} <= statuses
    assert Approval.objects.filter(status="returned").exclude(comment="").exists()
    alternative = FamilyAssessment.objects.filter(recommendation="alternative")
    assert alternative.exclude(alternative_option="").exclude(reason="").exists()
    assert CommunityPreparation.objects.filter(
        resource__province=F("case__origin_province")
    ).exists()
    delivered = ServiceDelivery.objects.filter(action__goal__plan__status=PlanStatus.APPROVED)
    assert delivered.exists()


def test_each_ngo_has_a_child_turning_18_next_month_in_her_workers_work(seeded):
    from plans.work import my_work

    today = timezone.localdate()
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    for slug in NGO_SLUGS:
        turning = [
            case
            for case in Case.objects.filter(organisation__slug=slug, minor_at_intake=True)
            .exclude(phase=Phase.CLOSED)
            .select_related("assigned_worker")
            if (case.date_of_birth.year + 18, case.date_of_birth.month)
            == (next_month.year, next_month.month)
        ]
        assert turning, slug
        items = my_work(turning[0].assigned_worker).items
        assert any(item.case_pk == turning[0].pk and item.kind == "turning_18" for item in items)


def test_every_demo_login_finds_referrals_waiting_in_its_inbox(seeded):
    from plans.work import my_work

    today = timezone.localdate()
    for spec in demo_users():
        user = User.objects.get(username=spec.username)
        waiting = referral_inbox_for(user).filter(status=Status.SENT)
        assert waiting.count() >= 2, spec.username
        for referral in waiting:
            assert today - dt.timedelta(days=14) <= timezone.localdate(referral.sent_at) < today
        if spec.role == Role.SOCIAL_WORKER:
            assert any(item.kind == "referral" for item in my_work(user).items), spec.username


def test_referrals_between_ngos_and_to_ministries_and_iom_each_with_consent(seeded):
    referrals = Referral.objects.select_related("case", "consent", "to_organisation")
    pairs = set(referrals.values_list("from_organisation__kind", "to_organisation__kind"))
    ngo = OrganisationKind.NGO
    assert {
        (ngo, ngo),
        (ngo, OrganisationKind.MINISTRY),
        (ngo, OrganisationKind.INTERNATIONAL),
    } <= (pairs)
    assert set(referrals.values_list("status", flat=True)) == {
        Status.SENT,
        Status.ACCEPTED,
        Status.IN_PROGRESS,
        Status.COMPLETED,
        Status.DECLINED,
    }
    for referral in referrals:
        consent = referral.consent
        assert consent is not None and not referral.override_reason, referral.pk
        assert consent.purpose == "sharing" and consent.withdrawn_on is None
        assert consent.shared_with_organisation == referral.to_organisation or (
            consent.shared_with_kind == referral.to_organisation.kind
        )
        assert consent.given_on <= timezone.localdate(referral.sent_at)
        assert consent.covers_health or not referral.shares_health


def test_referrals_are_dated_over_months_between_intake_and_closure(seeded):
    referrals = Referral.objects.select_related("case")
    today = timezone.localdate()
    assert len({(r.sent_at.year, r.sent_at.month) for r in referrals}) >= 6
    assert not referrals.filter(case__phase=Phase.IDENTIFICATION).exists()
    for referral in referrals:
        case, sent_on = referral.case, timezone.localdate(referral.sent_at)
        assert case.intake_date < sent_on < today, referral.pk
        if case.closed_on is not None:
            assert sent_on < case.closed_on
        if referral.answered_at is not None:
            answered_on = timezone.localdate(referral.answered_at)
            assert referral.answer_days == (answered_on - sent_on).days >= 0
        history = CaseEvent.objects.filter(
            case=case, kind=EventKind.REFERRAL, organisation=referral.to_organisation
        )
        assert min(event.occurred_at for event in history) == referral.sent_at
    # A closed case's referrals were answered, and their services over, before it closed.
    closed = referrals.filter(case__phase=Phase.CLOSED)
    assert closed.exists()
    assert set(closed.values_list("status", flat=True)) <= {Status.COMPLETED, Status.DECLINED}


def test_an_accepted_referral_shares_the_case_with_the_receiving_organisation(seeded):
    logins = {spec.organisation: spec.username for spec in demo_users()}
    accepted = Referral.objects.filter(
        status__in=(Status.ACCEPTED, Status.IN_PROGRESS)
    ).select_related("to_organisation")
    assert accepted.exists()
    for referral in accepted:
        receiver = User.objects.get(username=logins[referral.to_organisation.slug])
        assert case_list_visible_to(receiver).filter(pk=referral.case_id).exists()
    # Nothing else is shared: a ministry officer sees only cases referred to the ministry.
    officer = User.objects.get(username="officer.mosalvy")
    referred = Referral.objects.filter(to_organisation__slug="mosalvy").values("case_id")
    assert not case_list_visible_to(officer).exclude(pk__in=referred).exists()


def test_declined_referrals_say_why_and_were_declined_by_the_receiver(seeded):
    declined = Referral.objects.filter(status=Status.DECLINED)
    assert declined.exists()
    assert not declined.filter(decline_reason="").exists()
    assert not declined.exclude(answered_by__membership__organisation=F("to_organisation")).exists()


def test_a_referral_for_hiv_care_is_hidden_from_a_colleague_who_does_not_see_health(seeded):
    referrals = Referral.objects.filter(service="hiv_care").select_related("case", "consent")
    assert referrals.exists()
    referral = referrals.first()
    assert referral.shares_health and referral.consent.covers_health
    case = referral.case
    colleague = (
        User.objects.filter(
            membership__organisation=case.organisation_id, membership__role=Role.SOCIAL_WORKER
        )
        .exclude(pk=case.assigned_worker_id)
        .first()
    )
    assert case_list_visible_to(colleague).filter(pk=case.pk).exists()
    assert HEALTH not in visible_case_categories(colleague, case)
    assert not referral_outbox_for(colleague).filter(pk=referral.pk).exists()
    assert not referral_list_for_case(user=colleague, case=case).filter(pk=referral.pk).exists()
    supervisor = User.objects.get(
        membership__organisation=case.organisation_id, username__startswith="supervisor."
    )
    assert referral_outbox_for(supervisor).filter(pk=referral.pk).exists()
    assert (
        referral_list_for_case(user=case.assigned_worker, case=case).filter(pk=referral.pk).exists()
    )


def test_running_again_adds_nothing(seeded):
    before = counts()
    output = seed()
    assert counts() == before
    assert "nothing new" in output


def test_refuses_where_demo_data_is_not_allowed(settings):
    settings.ALLOW_DEMO_DATA = False
    before = counts()
    with pytest.raises(CommandError, match="ALLOW_DEMO_DATA"):
        seed()
    assert counts() == before
