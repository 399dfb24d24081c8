"""The reintegration plan through the API: the same services and rules as the pages, the same
health rule, and the audit log."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AccessEvent
from cases.services import case_assign
from plans.models import Domain, Plan, PlanStatus
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


def scores(domains=Domain.values):
    return [{"domain": d, "score": 3, "note": "Steady"} for d in domains]


def test_a_plan_written_returned_approved_and_carried_out(case, owner, supervisor, session_api):
    worker, boss = session_api(owner), session_api(supervisor)
    today = timezone.localdate().isoformat()
    made = worker.post(
        "/api/v1/assessments/",
        {"case": case.pk, "assessed_on": today, "occasion": "intake", "scores": scores()},
        format="json",
    )
    assert made.status_code == 201, made.content
    assert len(made.json()["scores"]) == len(Domain.values)

    plan = worker.post("/api/v1/plans/", {"case": case.pk}, format="json").json()
    url = f"/api/v1/plans/{plan['id']}/"
    assert worker.post(url + "submit/", {}, format="json").status_code == 400  # no goal yet
    with_goal = worker.post(
        url + "goals/", {"domain": "livelihood", "description": "Sewing work"}, format="json"
    ).json()
    goal = with_goal["goals"][0]["id"]
    target = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    action = {"goal": goal, "what": "Sewing course", "provider_kind": "own", "target_date": target}
    refused = worker.post(url + "actions/", {**action, "provider_kind": "community"}, format="json")
    assert refused.status_code == 400 and "resource" in refused.content.decode()
    assert worker.post(url + "actions/", action, format="json").status_code == 200
    assert worker.post(url + "submit/", {}, format="json").json()["status"] == "submitted"

    approval = worker.get("/api/v1/approvals/", {"status": "pending"}).json()["results"][0]
    decide = f"/api/v1/approvals/{approval['id']}/decide/"
    assert worker.post(decide, {"decision": "approve"}, format="json").status_code == 403
    assert boss.post(decide, {"decision": "return"}, format="json").status_code == 400
    returned = boss.post(decide, {"decision": "return", "comment": "Who pays?"}, format="json")
    assert returned.json()["status"] == "returned"
    assert worker.get(url).json()["status"] == PlanStatus.RETURNED

    assert worker.post(url + "submit/", {}, format="json").status_code == 200
    again = worker.get("/api/v1/approvals/", {"status": "pending"}).json()["results"][0]
    approved = boss.post(
        f"/api/v1/approvals/{again['id']}/decide/", {"decision": "approve"}, format="json"
    )
    assert approved.status_code == 200, approved.content
    read_only = worker.post(url + "goals/", {"domain": "family", "description": "x"}, format="json")
    assert read_only.status_code == 400

    action_id = worker.get(url).json()["goals"][0]["actions"][0]["id"]
    delivered = worker.post(
        "/api/v1/services-delivered/",
        {"action": action_id, "delivered_on": today, "provider": "Sewing school"},
        format="json",
    )
    assert delivered.status_code == 201, delivered.content
    assert worker.get("/api/v1/services-delivered/").json()["results"][0]["provider"] == (
        "Sewing school"
    )
    events = AccessEvent.objects.filter(case_id=case.pk, channel="api")
    assert events.filter(action="view").exists() and events.filter(action="create").exists()


def test_the_health_domain_is_seen_by_those_who_see_health_facts(
    ngo, owner, colleague, supervisor, session_api
):
    """The case's worker and its supervisors see the health goals; a colleague of the same
    organisation (here the worker who handed the case over) sees the plan without them."""
    case = CaseFactory(actor=owner)
    from tests.api.conftest import plan_approved

    plan = plan_approved(case, owner, supervisor)
    draft = session_api(owner).post("/api/v1/plans/", {"case": case.pk}, format="json").json()
    session_api(owner).post(
        f"/api/v1/plans/{draft['id']}/goals/",
        {"domain": "health", "description": "HIV care at the health centre"},
        format="json",
    )
    boss = session_api(supervisor).get(f"/api/v1/plans/{draft['id']}/").json()
    assert [g["domain"] for g in boss["goals"]] == ["livelihood", "health"]
    case_assign(actor=supervisor, case=case, worker=colleague)
    before = session_api(owner).get(f"/api/v1/plans/{draft['id']}/").json()
    assert [g["domain"] for g in before["goals"]] == ["livelihood"]
    mine = session_api(colleague).get(f"/api/v1/plans/{draft['id']}/").json()
    assert [g["domain"] for g in mine["goals"]] == ["livelihood", "health"]
    assert Plan.objects.filter(case=case).count() == 2 and plan.status == PlanStatus.APPROVED
