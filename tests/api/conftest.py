"""API personas: a key of the owner's organisation, a key of another organisation, and clients
that send them."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from api.services import api_key_create
from documents.services import document_upload
from followup.models import CommunityResource
from followup.services import community_resource_create, visit_add
from organisations.models import Organisation, Province
from plans.models import Action, Domain
from plans.services import (
    action_add,
    approval_approve,
    assessment_record,
    community_preparation_record,
    family_assessment_record,
    goal_add,
    livelihood_record,
    plan_start,
    plan_submit,
    service_record,
)
from tests.cases.factories import log_session
from tests.legal.factories import full_proceeding
from tests.organisations.factories import OrganisationFactory
from tests.referrals.helpers import give_consent, send
from tests.returns.factories import started
from transfers.services import transfer_request


@pytest.fixture
def make_key():
    def make(organisation, name="Partner database", **kwargs):
        return api_key_create(actor=None, organisation=organisation, name=name, **kwargs)

    return make


@pytest.fixture
def key_client():
    """A client sending the given plaintext key."""

    def client(plaintext):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
        return api

    return client


@pytest.fixture
def ngo_key(ngo, make_key):
    return make_key(ngo, "Shelter database")


@pytest.fixture
def other_key(other_ngo, make_key):
    return make_key(other_ngo, "Other NGO database")


@pytest.fixture
def ngo_api(ngo_key, key_client):
    return key_client(ngo_key[1])


@pytest.fixture
def other_api(other_key, key_client):
    return key_client(other_key[1])


@pytest.fixture
def session_api():
    """A client signed in through the browser session."""

    def client(user):
        api = APIClient()
        api.force_login(user)
        return api

    return client


@pytest.fixture
def third_ngo(db):
    return OrganisationFactory(name="Legal Aid Cambodia", short_name="LAC")


@pytest.fixture
def world(owner, supervisor, case, third_ngo, document_dir):
    """The owner's organisation's objects of every kind: a case with a consent, a counselling
    session, a referral to a third organisation and a planned visit; a community resource no
    longer listed, and an organisation no longer active."""
    return world_build(owner=owner, supervisor=supervisor, case=case, third_ngo=third_ngo)


def world_build(*, owner, supervisor, case, third_ngo) -> SimpleNamespace:
    """What the `world` fixture holds, for a module that builds it once (test_access_matrix)."""
    consent = give_consent(case, owner, organisation=third_ngo, health=True)
    session = log_session(actor=owner, case=case, confidential_notes="Nightmares about the boat.")
    referral = send(case, owner, third_ngo)
    visit = visit_add(
        actor=owner, case=case, scheduled_for=timezone.localdate() + dt.timedelta(days=7)
    )
    document = document_upload(
        actor=owner,
        case=case,
        file=SimpleUploadedFile("passport.pdf", b"%PDF-1.4\n%%EOF\n"),
        category="identity",
    )
    hidden_resource = community_resource_create(
        actor=owner, kind="pagoda", name="Wat Unalom", province=Province.objects.get(code="12")
    )
    CommunityResource.objects.filter(pk=hidden_resource.pk).update(is_active=False)
    inactive_organisation = OrganisationFactory(name="Closed NGO", short_name="CLO")
    Organisation.objects.filter(pk=inactive_organisation.pk).update(is_active=False)
    plan = plan_approved(case, owner, supervisor)
    proceeding = full_proceeding(case, owner)
    assessment = assessment_record(
        actor=owner, case=case, assessed_on=timezone.localdate(), occasion="intake",
        scores={domain: (2, "Needs a lawyer") for domain in Domain.values},
    )  # fmt: skip
    delivery = service_record(
        actor=owner, action=Action.objects.filter(goal__plan=plan).first(),
        delivered_on=timezone.localdate(), provider="Our social worker",
    )  # fmt: skip
    cross_border_return = started(case, owner)
    transfer = transfer_request(
        actor=supervisor, case=case, to_organisation=third_ngo,
        reason="She moved to Phnom Penh with her aunt.",
    )  # fmt: skip
    family_assessment = family_assessment_record(
        actor=owner, case=case, visited_on=timezone.localdate(), people_met="Mother",
        family_attitude="mixed", community_attitude="hostile", family_member_involved=True,
        risks="Uncle arranged the journey", recommendation="return_with_conditions",
        reason="Uncle arranged the journey",
    )  # fmt: skip
    resource = community_resource_create(
        actor=owner, kind="village_chief", name="Village chief", province=case.origin_province
    )
    preparation = community_preparation_record(
        actor=owner, case=case, resource=resource, met_on=timezone.localdate(),
        agreed_to="Uncle arranged the journey: keep watch",
    )  # fmt: skip
    livelihood = livelihood_record(
        actor=owner, case=case, kind="placement", employer_kind="factory",
        monthly_income_riel=700_000, goal=plan.goals.get(),
    )  # fmt: skip
    return SimpleNamespace(
        cross_border_return=cross_border_return,
        transfer=transfer,
        plan=plan,
        assessment=assessment,
        approval=plan.approvals.get(),
        delivery=delivery,
        family_assessment=family_assessment,
        preparation=preparation,
        livelihood=livelihood,
        case=case,
        consent=consent,
        session=session,
        referral=referral,
        visit=visit,
        document=document,
        proceeding=proceeding,
        hearing=proceeding.hearings.get(),
        hidden_resource=hidden_resource,
        inactive_organisation=inactive_organisation,
    )


def plan_approved(case, worker, supervisor):
    """A plan written, submitted and approved through the services."""
    plan = plan_start(actor=worker, case=case)
    goal = goal_add(actor=worker, plan=plan, domain="livelihood", description="Sewing work")
    action_add(
        actor=worker, goal=goal, what="Sewing course", provider_kind="own",
        target_date=timezone.localdate() + dt.timedelta(days=30),
    )  # fmt: skip
    approval_approve(actor=supervisor, approval=plan_submit(actor=worker, plan=plan))
    plan.refresh_from_db()
    return plan
