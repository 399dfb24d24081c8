"""Family assessments, community preparation, livelihood facts and closure requests through
the API: the same services and rules as the pages, the plan's owner organisation alone, and a
change time a partner syncs with."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AccessEvent
from cases.models import Case, Phase
from cases.services import case_change_phase
from followup.services import community_resource_create
from organisations.models import Province, Role
from plans.models import Approval, ApprovalStatus, CommunityPreparation, Plan
from plans.services import closure_request
from referrals.services import referral_accept
from tests.api.conftest import plan_approved
from tests.cases.factories import CaseFactory
from tests.organisations.factories import UserFactory
from tests.referrals.helpers import give_consent, send

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def family_assessment(case, **changes):
    return {
        "case": case.pk,
        "visited_on": TODAY().isoformat(),
        "people_met": "Mother, grandmother, village chief",
        "family_attitude": "supportive",
        "community_attitude": "mixed",
        "family_member_involved": True,
        "risks": "An uncle who arranged the journey lives next door.",
        "recommendation": "alternative",
        "alternative_option": "kinship_care",
        "reason": "Safer with her aunt in the next commune.",
        **changes,
    }


def test_a_family_assessment_is_recorded_read_and_listed(case, owner, session_api):
    api = session_api(owner)
    made = api.post("/api/v1/family-assessments/", family_assessment(case), format="json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["alternative_option"] == "kinship_care"
    assert body["risks"].startswith("An uncle") and body["updated_at"]
    assert api.get(f"/api/v1/family-assessments/{body['id']}/").json() == body
    listed = api.get("/api/v1/family-assessments/", {"case": case.pk}).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]
    events = AccessEvent.objects.filter(channel="api", path__startswith="/api/v1/family-")
    assert sorted(events.values_list("action", "case_id")) == [
        ("create", case.pk),
        ("list", None),
        ("view", case.pk),
    ]
    assert events.get(action="list").case_ids == [case.pk]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"alternative_option": ""}, "alternative_option"),
        ({"reason": "  "}, "reason"),
        ({"recommendation": "return_with_conditions", "reason": ""}, "reason"),
        ({"visited_on": "1899-12-31"}, "visited_on"),
        ({"family_attitude": "indifferent"}, "family_attitude"),
    ],
)
def test_a_family_assessment_keeps_the_services_rules(case, owner, session_api, changes, field):
    made = session_api(owner).post(
        "/api/v1/family-assessments/", family_assessment(case, **changes), format="json"
    )
    assert made.status_code == 400, made.content
    assert made["Content-Type"] == "application/problem+json"
    assert field in made.json()["errors"]


def test_returning_to_the_family_needs_no_alternative(case, owner, session_api):
    made = session_api(owner).post(
        "/api/v1/family-assessments/",
        family_assessment(
            case, recommendation="return", alternative_option="kinship_care", reason=""
        ),
        format="json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["alternative_option"] == ""


def test_community_preparation_names_a_resource_of_the_directory(case, owner, session_api):
    pagoda = community_resource_create(
        actor=owner, kind="pagoda", name="Wat Kien Svay", province=case.origin_province
    )
    api = session_api(owner)
    step = {"case": case.pk, "resource": pagoda.pk, "met_on": TODAY().isoformat()}
    made = api.post(
        "/api/v1/community-preparation/",
        {**step, "agreed_to": "The monk will bless her return and visit the family."},
        format="json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["resource"] == pagoda.pk
    listed = api.get("/api/v1/community-preparation/").json()["results"]
    assert [row["agreed_to"] for row in listed] == [
        "The monk will bless her return and visit the family."
    ]
    missing = api.post(
        "/api/v1/community-preparation/", {**step, "resource": pagoda.pk + 1000}, format="json"
    )
    assert missing.status_code == 400 and "resource" in missing.json()["errors"]


def test_community_preparation_refuses_a_resource_of_another_province(case, owner, session_api):
    elsewhere = Province.objects.exclude(pk=case.origin_province_id).first()
    pagoda = community_resource_create(
        actor=owner, kind="pagoda", name="Wat Phnom", province=elsewhere
    )
    refused = session_api(owner).post(
        "/api/v1/community-preparation/",
        {
            "case": case.pk,
            "resource": pagoda.pk,
            "met_on": TODAY().isoformat(),
            "agreed_to": "Visit",
        },
        format="json",
    )
    assert refused.status_code == 400
    assert "home province" in refused.json()["errors"]["resource"][0]
    assert not CommunityPreparation.objects.exists()


def test_a_supervisor_cannot_close_a_case_through_the_phase_endpoint(
    case, owner, supervisor, session_api
):
    boss = session_api(supervisor)
    pending = closure_request(actor=owner, case=case, reason="reintegration_completed")
    refused = boss.post(
        f"/api/v1/cases/{case.pk}/phase/",
        {"to_phase": "closed", "closure_reason": "lost_contact"},
        format="json",
    )
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    assert "request to close it" in refused.json()["errors"]["to_phase"][0]
    assert Case.objects.get(pk=case.pk).phase != Phase.CLOSED
    # The request waiting for a decision still closes the case, with its own reason.
    approved = boss.post(
        f"/api/v1/approvals/{pending.pk}/decide/", {"decision": "approve"}, format="json"
    )
    assert approved.status_code == 200, approved.content
    case.refresh_from_db()
    assert case.phase == Phase.CLOSED and case.closure_reason == "reintegration_completed"


def test_livelihood_facts_are_recorded_against_a_livelihood_goal(
    case, owner, supervisor, session_api
):
    plan = plan_approved(case, owner, supervisor)
    goal = plan.goals.get()
    api = session_api(owner)
    training = {
        "case": case.pk,
        "kind": "training",
        "goal": goal.pk,
        "course": "Sewing",
        "provider": "Vocational centre",
        "started_on": "2026-01-05",
        "ended_on": "2026-06-30",
        "completed": True,
    }
    made = api.post("/api/v1/livelihood-facts/", training, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["goal"] == goal.pk and made.json()["completed"] is True
    job = {"case": case.pk, "kind": "placement", "employer_kind": "factory",
           "started_on": "2026-07-01", "monthly_income_riel": 800_000}  # fmt: skip
    assert api.post("/api/v1/livelihood-facts/", job, format="json").status_code == 201
    listed = api.get("/api/v1/livelihood-facts/", {"case": case.pk}).json()["results"]
    assert [row["kind"] for row in listed] == ["training", "placement"]

    backwards = api.post(
        "/api/v1/livelihood-facts/", {**training, "ended_on": "2025-12-31"}, format="json"
    )
    assert backwards.status_code == 400 and "ended_on" in backwards.json()["errors"]
    other_case = CaseFactory(actor=owner)
    elsewhere = api.post(
        "/api/v1/livelihood-facts/", {**training, "case": other_case.pk}, format="json"
    )
    assert elsewhere.status_code == 400 and "goal" in elsewhere.json()["errors"]


def test_closure_is_requested_and_decided_through_the_api(case, owner, supervisor, session_api):
    worker, boss = session_api(owner), session_api(supervisor)
    asked = worker.post(
        "/api/v1/approvals/",
        {"case": case.pk, "closure_reason": "reintegration_completed", "note": "Stable a year."},
        format="json",
    )
    assert asked.status_code == 201, asked.content
    request = asked.json()
    assert (request["kind"], request["status"]) == ("closure", "pending")
    again = worker.post(
        "/api/v1/approvals/", {"case": case.pk, "closure_reason": "lost_contact"}, format="json"
    )
    assert again.status_code == 400  # one request at a time
    decide = f"/api/v1/approvals/{request['id']}/decide/"
    assert worker.post(decide, {"decision": "approve"}, format="json").status_code == 403
    returned = boss.post(
        decide, {"decision": "return", "comment": "Visit once more."}, format="json"
    )
    assert returned.json()["status"] == "returned"
    assert Case.objects.get(pk=case.pk).phase != Phase.CLOSED

    second = worker.post(
        "/api/v1/approvals/",
        {"case": case.pk, "closure_reason": "reintegration_completed"},
        format="json",
    ).json()
    approved = boss.post(
        f"/api/v1/approvals/{second['id']}/decide/", {"decision": "approve"}, format="json"
    )
    assert approved.status_code == 200, approved.content
    case.refresh_from_db()
    assert case.phase == Phase.CLOSED and case.closure_reason == "reintegration_completed"
    closed = worker.post(
        "/api/v1/approvals/", {"case": case.pk, "closure_reason": "lost_contact"}, format="json"
    )
    assert closed.status_code == 400


def test_a_key_asks_to_close_a_case_and_a_supervisor_decides(
    case, supervisor, ngo_api, session_api
):
    asked = ngo_api.post(
        "/api/v1/approvals/", {"case": case.pk, "closure_reason": "lost_contact"}, format="json"
    )
    assert asked.status_code == 201, asked.content
    decide = f"/api/v1/approvals/{asked.json()['id']}/decide/"
    assert ngo_api.post(decide, {"decision": "approve"}, format="json").status_code == 403
    decided = session_api(supervisor).post(decide, {"decision": "approve"}, format="json")
    assert decided.json()["status"] == "approved"


def test_nobody_approves_their_own_closure_request_through_the_api(
    case, supervisor, ngo, session_api
):
    asked = session_api(supervisor).post(
        "/api/v1/approvals/", {"case": case.pk, "closure_reason": "lost_contact"}, format="json"
    )
    decide = f"/api/v1/approvals/{asked.json()['id']}/decide/"
    refused = session_api(supervisor).post(decide, {"decision": "approve"}, format="json")
    assert refused.status_code == 403
    other = UserFactory(username="supervisor2", organisation=ngo, role=Role.SUPERVISOR)
    assert (
        session_api(other).post(decide, {"decision": "approve"}, format="json").status_code == 200
    )


def test_reintegration_is_refused_through_the_api_without_an_approved_plan(
    case, owner, supervisor, session_api
):
    api = session_api(owner)
    for phase in (Phase.INTAKE, Phase.REINTEGRATION_PLANNING):
        case = case_change_phase(actor=owner, case=case, to_phase=phase)
    url = f"/api/v1/cases/{case.pk}/phase/"
    refused = api.post(url, {"to_phase": "reintegrated"}, format="json")
    assert refused.status_code == 400
    assert "approved plan" in refused.json()["errors"]["to_phase"][0]
    plan_approved(case, owner, supervisor)
    moved = api.post(url, {"to_phase": "reintegrated"}, format="json")
    assert moved.status_code == 200, moved.content


def test_an_approved_plan_is_read_only_through_the_api(case, owner, supervisor, session_api):
    plan = plan_approved(case, owner, supervisor)
    api = session_api(owner)
    url = f"/api/v1/plans/{plan.pk}/"
    goal = plan.goals.get().pk
    action = {"goal": goal, "what": "x", "provider_kind": "own", "target_date": "2027-01-01"}
    assert api.post(url + "actions/", action, format="json").status_code == 400
    assert api.post(url + "submit/", {}, format="json").status_code == 400
    assert plan.goals.get().actions.count() == 1


def test_a_partner_syncs_plans_and_approvals_by_their_change_time(case, owner, supervisor, ngo_api):
    plan = plan_approved(case, owner, supervisor)
    asked = closure_request(actor=owner, case=case, reason="lost_contact")
    past = timezone.now() - dt.timedelta(days=2)
    Plan.objects.update(updated_at=past)
    Approval.objects.update(updated_at=past)
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert ngo_api.get("/api/v1/plans/", {"updated_since": since}).json()["results"] == []
    assert ngo_api.get("/api/v1/approvals/", {"updated_since": since}).json()["results"] == []

    from plans.services import approval_return, plan_start

    draft = plan_start(actor=owner, case=case)
    approval_return(actor=supervisor, approval=asked, comment="Not yet.")
    plans = ngo_api.get("/api/v1/plans/", {"updated_since": since}).json()["results"]
    assert [row["id"] for row in plans] == [draft.pk]
    approvals = ngo_api.get("/api/v1/approvals/", {"updated_since": since}).json()["results"]
    assert [(row["id"], row["status"]) for row in approvals] == [
        (asked.pk, ApprovalStatus.RETURNED)
    ]
    assert plan.pk not in [row["id"] for row in plans]


def test_a_goal_added_is_a_change_of_the_plan(case, owner, ngo_api):
    from plans.services import goal_add, plan_start

    draft = plan_start(actor=owner, case=case)
    Plan.objects.update(updated_at=timezone.now() - dt.timedelta(days=2))
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert ngo_api.get("/api/v1/plans/", {"updated_since": since}).json()["results"] == []
    goal_add(actor=owner, plan=draft, domain="education", description="Back to school")
    rows = ngo_api.get("/api/v1/plans/", {"updated_since": since}).json()["results"]
    assert [row["id"] for row in rows] == [draft.pk]


RECORDS = ["family-assessments", "community-preparation", "livelihood-facts", "approvals"]


@pytest.fixture
def records(case, owner):
    """One record of each new kind on the owner's case."""
    from plans.services import (
        community_preparation_record,
        family_assessment_record,
        livelihood_record,
    )

    pagoda = community_resource_create(
        actor=owner, kind="pagoda", name="Wat Kien Svay", province=case.origin_province
    )
    data = family_assessment(case)
    data.pop("case")
    data["visited_on"] = TODAY()
    return {
        "family-assessments": family_assessment_record(actor=owner, case=case, **data),
        "community-preparation": community_preparation_record(
            actor=owner, case=case, resource=pagoda, met_on=TODAY(), agreed_to="Visit her."
        ),
        "livelihood-facts": livelihood_record(
            actor=owner,
            case=case,
            kind="business",
            support_kind="Noodle stall",
            amount_riel=1_200_000,
        ),  # fmt: skip
        "approvals": closure_request(actor=owner, case=case, reason="lost_contact"),
    }


@pytest.mark.parametrize("resource", RECORDS)
def test_a_receiving_organisation_sees_none_of_the_plan(
    case, owner, third_ngo, records, session_api, resource
):
    """Sharing a case through a referral, even with its health facts, shares the case, not
    the organisation's plan for it: the receiver finds no plan record."""
    give_consent(case, owner, organisation=third_ngo, health=True)
    receiver = UserFactory(organisation=third_ngo, role=Role.SUPERVISOR)
    referral_accept(actor=receiver, referral=send(case, owner, third_ngo, shares_health=True))
    api = session_api(receiver)
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 200  # the case is shared
    assert api.get(f"/api/v1/{resource}/{records[resource].pk}/").status_code == 404
    assert api.get(f"/api/v1/{resource}/").json()["results"] == []
    wrote = api.post(f"/api/v1/{resource}/", {"case": case.pk}, format="json")
    assert wrote.status_code == 400 and "case" in wrote.json()["errors"]
    assert "object does not exist" in wrote.json()["errors"]["case"][0]


@pytest.mark.parametrize("resource", RECORDS)
def test_within_the_organisation_the_case_policy_decides(
    case, ngo, colleague, records, session_api, resource
):
    """A worker of the organisation sees the plan records of the cases they may edit: all of
    them where workers see the whole organisation, only their own where they see their
    assigned cases."""
    url = f"/api/v1/{resource}/{records[resource].pk}/"
    assert session_api(colleague).get(url).status_code == 200
    ngo.workers_see_assigned_only = True
    ngo.save()
    assert session_api(colleague).get(url).status_code == 404
    assert session_api(colleague).get(f"/api/v1/{resource}/").json()["results"] == []
