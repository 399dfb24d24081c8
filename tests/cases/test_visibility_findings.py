"""Each leak found by the outside test of issue 11, as the person who could exploit it would
see it: what a receiver, a restricted worker or a colleague was shown that the declaration
(cases.visibility) does not give them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AccessEvent
from cases.models import Case, Consent
from cases.permissions import visible_case_categories
from cases.selectors import case_list_visible_to
from followup.services import visit_add, visit_record
from organisations.models import Role
from referrals import services as referral_services
from referrals.models import Referral
from tests.cases.factories import CaseFactory, log_session
from tests.cases.test_case_rules import registration_form
from tests.organisations.factories import OrganisationFactory, UserFactory
from tests.referrals.helpers import give_consent, send, share

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def receiver(other_ngo):
    return UserFactory(username="receiver", organisation=other_ngo, role=Role.SOCIAL_WORKER)


def caseload(client, **query) -> str:
    # A search by name is moved off the URL (a redirect to a search id): follow it.
    return client.get(reverse("cases:list"), query, follow=True).content.decode()


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_login(user)
    return api


# Search, filters and sorting.


@pytest.mark.parametrize("name", ["Sok", "Sreyneang", "ស្រី", "ពៅ"])
def test_a_receiver_without_identity_cannot_find_the_case_by_its_hidden_name(
    client_for, case, receiver, other_ngo, name
):
    share(case, other_ngo, identity=False, case_facts=True)
    client = client_for(receiver)
    assert case.case_number in caseload(client)
    assert case.case_number not in caseload(client, q=name)
    # The case number, which the receiver sees, still finds it.
    assert case.case_number in caseload(client, q=case.case_number[-4:])


def test_a_receiver_given_the_identity_finds_the_case_by_name(
    client_for, case, receiver, other_ngo
):
    share(case, other_ngo, identity=True, case_facts=False)
    assert case.case_number in caseload(client_for(receiver), q="Sreyneang")


def test_a_receiver_cannot_filter_by_facts_it_was_not_shown(client_for, case, receiver, other_ngo):
    share(case, other_ngo, identity=True, case_facts=False)
    client = client_for(receiver)
    province = case.origin_province_id
    for query in ({"phase": case.phase}, {"risk": case.risk_level}, {"province": province}):
        assert case.case_number not in caseload(client, **query), query
    # Minor status is identity, which it was given.
    assert case.case_number in caseload(client, age="adult")


def test_a_receiver_cannot_filter_by_identity_it_was_not_given(
    client_for, case, receiver, other_ngo
):
    share(case, other_ngo, identity=False, case_facts=True)
    client = client_for(receiver)
    assert case.case_number not in caseload(client, age="adult")
    assert case.case_number not in caseload(client, age="minor")
    assert case.case_number in caseload(client, risk=case.risk_level)


def test_a_hidden_risk_does_not_sort_a_shared_case_up_the_caseload(
    client_for, owner, receiver, other_ngo
):
    hidden_high = CaseFactory(actor=owner, risk_level="high")
    known_medium = CaseFactory(actor=owner, risk_level="medium")
    share(hidden_high, other_ngo, identity=True, case_facts=False)
    share(known_medium, other_ngo, identity=True, case_facts=True)
    page = caseload(client_for(receiver))
    assert page.index(known_medium.case_number) < page.index(hidden_high.case_number)


# Health: HIV care, consents, counselling.


@pytest.fixture
def hiv_ngo(db):
    return OrganisationFactory(name="Red Ribbon HIV Care", short_name="RRHC")


@pytest.fixture
def referred_for_hiv_care(case, owner, hiv_ngo):
    """The case referred to an HIV-care NGO with a consent covering health."""
    give_consent(case, owner, organisation=hiv_ngo, health=True)
    referral = send(case, owner, hiv_ngo, service="hiv_care", shares_health=True)
    carer = UserFactory(organisation=hiv_ngo, role=Role.SOCIAL_WORKER)
    return referral_services.referral_accept(actor=carer, referral=referral)


def test_a_receiver_without_health_is_not_told_of_the_hiv_care_referral(
    client_for, case, receiver, other_ngo, hiv_ngo, referred_for_hiv_care
):
    share(case, other_ngo, identity=True, case_facts=True)
    page = client_for(receiver).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Sok Sreyneang" in page  # the page is shown, with what was shared
    assert "hiv care" not in page.lower() and "Red Ribbon" not in page and "RRHC" not in page
    consents = api_for(receiver).get("/api/v1/consents/", {"case": case.pk}).json()["results"]
    assert consents == []


def test_a_colleague_who_may_not_see_health_is_not_told_of_the_hiv_care_referral(
    client_for, case, colleague, hiv_ngo, referred_for_hiv_care
):
    assert visible_case_categories(colleague, case) == {"identity", "case_facts"}
    page = client_for(colleague).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Sok Sreyneang" in page
    assert "hiv care" not in page.lower() and "Red Ribbon" not in page and "RRHC" not in page
    api = api_for(colleague)
    assert api.get("/api/v1/consents/", {"case": case.pk}).json()["results"] == []
    assert api.get("/api/v1/referrals/").json()["results"] == []
    outbox = client_for(colleague).get(reverse("referrals:outbox")).content.decode()
    assert "Red Ribbon" not in outbox


def test_the_case_worker_who_sees_health_is_told_of_the_hiv_care_referral(
    client_for, case, owner, hiv_ngo, referred_for_hiv_care
):
    page = client_for(owner).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "hiv care" in page.lower() and "RRHC" in page
    assert len(api_for(owner).get("/api/v1/consents/", {"case": case.pk}).json()["results"]) == 1


def test_counselling_sessions_are_health_and_not_shown_without_it(
    client_for, case, owner, receiver, other_ngo
):
    log_session(actor=owner, case=case, topics="CanaryTopic HIV disclosure")
    share(case, other_ngo, identity=True, case_facts=True)
    page = client_for(receiver).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "CanaryTopic" not in page and "45 min" not in page
    assert api_for(receiver).get("/api/v1/counselling-sessions/").json()["results"] == []
    # With health shared, the receiver sees them.
    share(
        case,
        other_ngo,
        identity=False,
        case_facts=False,
        health=True,
        service="vocational_training",
    )  # a second referral widens it
    page = client_for(receiver).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "CanaryTopic" in page
    assert len(api_for(receiver).get("/api/v1/counselling-sessions/").json()["results"]) == 1


# Follow-up visit records.


def test_follow_up_history_and_api_agree_for_a_receiver_given_identity_only(
    client_for, case, owner, receiver, other_ngo
):
    visit = visit_add(actor=owner, case=case, scheduled_for=TODAY())
    visit_record(
        actor=owner,
        visit=visit,
        visited_on=TODAY(),
        monthly_income_riel=987654,
        risk_signs="CanaryRiskSigns",
        retrafficking_risk=True,
        health=2,
        safety=4,
    )
    share(case, other_ngo, identity=True, case_facts=False)
    history = reverse("followup:history", args=[case.pk])
    page = client_for(receiver).get(history).content.decode()
    assert "987654" not in page and "987,654" not in page
    assert "CanaryRiskSigns" not in page and "risk of re-trafficking" not in page
    assert "<polyline" not in page  # no chart of income or wellbeing
    visit_page = client_for(receiver).get(reverse("followup:visit", args=[visit.pk]))
    assert "Visited on" not in visit_page.content.decode()
    rows = api_for(receiver).get("/api/v1/visits/").json()["results"]
    assert [row["record"] for row in rows] == [None]

    # Case facts shared: both show the record, neither the health rating.
    share(
        case, other_ngo, identity=False, case_facts=True, service="vocational_training"
    )  # a second referral widens it
    page = client_for(receiver).get(history).content.decode()
    assert "CanaryRiskSigns" in page
    (row,) = api_for(receiver).get("/api/v1/visits/").json()["results"]
    assert row["record"]["risk_signs"] == "CanaryRiskSigns" and row["record"]["health"] is None


# Duplicate warning at intake.


def test_a_restricted_worker_is_told_a_match_exists_but_not_whose(
    client_for, ngo, owner, colleague, supervisor
):
    ngo.workers_see_assigned_only = True
    ngo.save()
    theirs = CaseFactory(
        actor=colleague,
        name_latin="Keo Sopheap",
        name_khmer="កែវ សុភាព",
        date_of_birth=dt.date(2010, 3, 1),
    )
    client = client_for(owner)
    response = client.post(reverse("cases:create"), registration_form())
    page = response.content.decode()
    assert "A possible match exists; ask your supervisor." in page
    assert theirs.case_number not in page and "Keo Sopheap</" not in page
    assert Case.objects.filter(name_latin="Keo Sopheap").count() == 1  # nothing registered
    read_by_owner = AccessEvent.objects.filter(user=owner).values_list("case_ids", flat=True)
    assert all(theirs.pk not in ids for ids in read_by_owner)

    # The supervisor, who may open it, is shown which case; and the read is logged.
    response = client_for(supervisor).post(reverse("cases:create"), registration_form())
    assert theirs.case_number in response.content.decode()
    logged = AccessEvent.objects.filter(user=supervisor, action="list").last()
    assert logged.case_ids == [theirs.pk]


# Minor status and family contact.


def test_minor_status_is_identity(client_for, owner, receiver, other_ngo):
    child = CaseFactory(actor=owner, date_of_birth=TODAY() - dt.timedelta(days=365 * 15))
    assert child.minor_at_intake
    share(child, other_ngo, identity=False, case_facts=True)
    client = client_for(receiver)
    assert ">minor<" not in caseload(client)
    detail = client.get(reverse("cases:detail", args=[child.pk])).content.decode()
    assert "minor at intake" not in detail
    share(
        child, other_ngo, identity=True, case_facts=False, service="vocational_training"
    )  # a second referral widens it
    assert ">minor<" in caseload(client)


def test_family_contact_goes_with_identity_to_a_receiver(client_for, owner, receiver, other_ngo):
    case = CaseFactory(actor=owner, family_contact="CanaryFamily 012 345 678")
    client = client_for(receiver)
    share(case, other_ngo, identity=False, case_facts=True)
    assert (
        "CanaryFamily" not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    )
    body = api_for(receiver).get(f"/api/v1/cases/{case.pk}/").json()
    assert body["identity"] is None
    share(
        case, other_ngo, identity=True, case_facts=False, service="vocational_training"
    )  # a second referral widens it
    assert "CanaryFamily" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    body = api_for(receiver).get(f"/api/v1/cases/{case.pk}/").json()
    assert body["identity"]["family_contact"] == "CanaryFamily 012 345 678"


def test_the_referral_form_says_family_contact_goes_with_identity():
    from referrals.forms import ReferralForm

    assert "family contact" in str(ReferralForm.base_fields["shares_identity"].label)


# Access decided from dates at read time.


def test_an_expired_consent_ends_access_without_any_job(
    client_for, case, owner, receiver, other_ngo
):
    consent = give_consent(case, owner, organisation=other_ngo, expires_on=TODAY())
    referral = send(case, owner, other_ngo)
    referral_services.referral_accept(actor=receiver, referral=referral)
    assert case in case_list_visible_to(receiver)
    # The day after the consent's last day: no beat task has run.
    Consent.objects.filter(pk=consent.pk).update(
        given_on=TODAY() - dt.timedelta(days=10), expires_on=TODAY() - dt.timedelta(days=1)
    )
    referral.refresh_from_db()
    assert referral.access_revoked_at is None and referral.status == "accepted"
    assert case not in case_list_visible_to(receiver)
    assert visible_case_categories(receiver, case) == set()
    assert client_for(receiver).get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert api_for(receiver).get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_an_ended_grace_period_ends_access_without_any_job(
    client_for, case, owner, receiver, other_ngo
):
    give_consent(case, owner, organisation=other_ngo)
    referral = referral_services.referral_accept(
        actor=receiver, referral=send(case, owner, other_ngo)
    )
    referral = referral_services.referral_complete(
        actor=receiver, referral=referral, outcome="Done"
    )
    assert case in case_list_visible_to(receiver)  # in the grace period
    Referral.objects.filter(pk=referral.pk).update(access_ends_on=TODAY())
    assert case not in case_list_visible_to(receiver)
    assert visible_case_categories(receiver, case) == set()
    assert (
        client_for(receiver).get(reverse("cases:list")).content.decode().count(case.case_number)
        == 0
    )


def test_whether_a_receiver_lists_a_case_and_what_it_sees_never_disagree(
    case, owner, receiver, other_ngo
):
    """Listing and categories are read from the same referral rows: in every state of the
    referral, a listed case shows something and a case that shows nothing is not listed."""

    def agree() -> bool:
        listed = case in case_list_visible_to(receiver)
        return listed == bool(visible_case_categories(receiver, case))

    give_consent(case, owner, organisation=other_ngo)
    referral = send(case, owner, other_ngo)
    assert agree() and case not in case_list_visible_to(receiver)
    referral = referral_services.referral_accept(actor=receiver, referral=referral)
    assert agree() and case in case_list_visible_to(receiver)
    referral_services.referral_complete(actor=receiver, referral=referral, outcome="Ok")
    assert agree() and case in case_list_visible_to(receiver)
    for ended in (TODAY(), TODAY() - dt.timedelta(days=30)):
        Referral.objects.filter(pk=referral.pk).update(access_ends_on=ended)
        assert agree() and case not in case_list_visible_to(receiver)


def test_api_filters_do_not_match_facts_the_receiver_was_not_shown(
    case, owner, receiver, other_ngo
):
    share(case, other_ngo, identity=True, case_facts=False)
    visit_add(actor=owner, case=case, scheduled_for=TODAY() + dt.timedelta(days=5))
    api = api_for(receiver)
    province = case.origin_province_id
    assert api.get("/api/v1/cases/", {"phase": case.phase}).json()["results"] == []
    assert api.get("/api/v1/cases/", {"province": province}).json()["results"] == []
    assert api.get("/api/v1/visits/", {"province": province}).json()["results"] == []
    share(
        case, other_ngo, identity=False, case_facts=True, service="vocational_training"
    )  # a second referral widens it
    assert len(api.get("/api/v1/cases/", {"province": province}).json()["results"]) == 1
    assert len(api.get("/api/v1/visits/", {"province": province}).json()["results"]) == 1


def test_the_team_page_lists_only_the_teams_own_cases(client_for, supervisor, outsider, ngo):
    theirs = CaseFactory(actor=outsider, intake_date=TODAY() - dt.timedelta(days=90))
    share(theirs, ngo, identity=False, case_facts=False, health=True)
    page = client_for(supervisor).get(reverse("cases:team")).content.decode()
    assert theirs.case_number not in page
