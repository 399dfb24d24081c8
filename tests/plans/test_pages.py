"""The plan's pages: who reaches them, the whole approval round trip, what they cost."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from cases.models import Phase
from followup.services import community_resource_create
from organisations.models import Province
from plans.models import Approval, ApprovalStatus, Domain, Plan, PlanStatus, ServiceDelivery
from tests.cases.factories import CaseFactory
from tests.plans.factories import approved_plan

pytestmark = pytest.mark.django_db


def plan_urls(case, action_pk=1, approval_pk=1):
    pk = case.pk
    return [
        reverse("plans:plan", args=[pk]),
        reverse("plans:edit", args=[pk]),
        reverse("plans:assessment-create", args=[pk]),
        reverse("plans:family-assessment-create", args=[pk]),
        reverse("plans:community-preparation-create", args=[pk]),
        reverse("plans:closure-request", args=[pk]),
        reverse("plans:livelihood-create", args=[pk]),
        reverse("plans:service-create", args=[pk, action_pk]),
    ]


def test_outsiders_and_ministries_get_404_everywhere(client_for, case, owner, outsider, officer):
    plan = approved_plan(case, owner)
    action = plan.goals.get().actions.get()
    for user in (outsider, officer):
        client = client_for(user)
        for url in plan_urls(case, action.pk):
            assert client.get(url).status_code == 404, (user, url)
        submit = client.post(reverse("plans:submit", args=[case.pk]))
        assert submit.status_code == 404
    assert Plan.objects.count() == 1


def test_the_owner_reaches_every_page(client_for, case, owner):
    plan = approved_plan(case, owner)
    action = plan.goals.get().actions.get()
    client = client_for(owner)
    for url in plan_urls(case, action.pk):
        assert client.get(url).status_code == 200, url


def test_a_plan_goes_round_the_approval_loop_on_the_web(client_for, case, owner, supervisor):
    worker = client_for(owner)
    edit = reverse("plans:edit", args=[case.pk])
    assert worker.get(edit).status_code == 200
    worker.post(edit, {"add_goal": "1", "goal-domain": Domain.LIVELIHOOD,
                       "goal-description": "Earn from sewing"})  # fmt: skip
    goal = Plan.objects.get().goals.get()
    action = {"add_action": "1", "action-goal": goal.pk, "action-what": "Sewing course",
              "action-provider_kind": "own", "action-target_date": "2027-02-01"}  # fmt: skip
    worker.post(edit, action)
    assert goal.actions.count() == 1
    worker.post(reverse("plans:submit", args=[case.pk]))
    approval = Approval.objects.get()
    decide = reverse("plans:approval-decide", args=[case.pk, approval.pk])
    assert worker.post(decide, {"decision": "approve"}).status_code == 404  # not a supervisor

    boss = client_for(supervisor)
    page = boss.get(reverse("plans:approvals")).content.decode()
    assert case.case_number in page
    boss.post(decide, {"decision": "return", "comment": "Who pays for the course?"})
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.RETURNED

    worker = client_for(owner)
    assert "Who pays for the course?" in worker.get(edit).content.decode()
    worker.post(reverse("plans:submit", args=[case.pk]))
    again = Approval.objects.get(status=ApprovalStatus.PENDING)
    client_for(supervisor).post(
        reverse("plans:approval-decide", args=[case.pk, again.pk]), {"decision": "approve"}
    )
    assert Plan.objects.get().status == PlanStatus.APPROVED

    worker = client_for(owner)
    action = goal.actions.get()
    worker.post(
        reverse("plans:service-create", args=[case.pk, action.pk]),
        {"delivered_on": "2026-11-20", "provider": "HTS sewing school", "note": ""},
    )
    assert ServiceDelivery.objects.get().provider == "HTS sewing school"
    for phase in (Phase.INTAKE, Phase.REINTEGRATION_PLANNING, Phase.REINTEGRATED):
        worker.post(reverse("cases:phase", args=[case.pk]), {"to_phase": phase})
    case.refresh_from_db()
    assert case.phase == Phase.REINTEGRATED


def test_the_plan_page_is_in_the_access_log(client_for, case, owner):
    client_for(owner).get(reverse("plans:plan", args=[case.pk]))
    assert AccessEvent.objects.filter(case=case, user=owner, action="view").exists()


def test_health_goals_are_not_shown_to_a_colleague_without_health_access(
    client_for, case, owner, colleague, ngo
):
    ngo.workers_see_assigned_only = False
    ngo.save()
    plan = approved_plan(case, owner)
    plan.goals.create(domain=Domain.HEALTH, description="ART refills every month")
    assert (
        "ART refills"
        in client_for(owner).get(reverse("plans:plan", args=[case.pk])).content.decode()
    )
    page = client_for(colleague).get(reverse("plans:plan", args=[case.pk])).content.decode()
    assert "ART refills" not in page


def test_a_supervisor_cannot_approve_their_own_plan_on_the_web(client_for, case, supervisor):
    client = client_for(supervisor)
    client.get(reverse("plans:edit", args=[case.pk]))
    plan = Plan.objects.get()
    goal = plan.goals.create(domain=Domain.FAMILY, description="Go home")
    goal.actions.create(what="Visit", provider_kind="own", target_date=dt.date(2027, 1, 1))
    client.post(reverse("plans:submit", args=[case.pk]))
    approval = Approval.objects.get()
    page = client.get(reverse("plans:plan", args=[case.pk])).content.decode()
    assert "Waiting for your decision" not in page
    response = client.post(
        reverse("plans:approval-decide", args=[case.pk, approval.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING


def _plan_page_queries(client, owner, goals: int) -> int:
    case = CaseFactory(actor=owner)
    plan = approved_plan(case, owner)
    for n in range(goals):
        goal = plan.goals.create(domain=Domain.EDUCATION, description=f"Goal {n}")
        action = goal.actions.create(
            what="Class", provider_kind="own", target_date=dt.date(2027, 1, 1)
        )
        ServiceDelivery.objects.create(
            case=case, action=action, delivered_on=dt.date(2026, 11, 1), provider="HTS",
            recorded_by=owner,
        )  # fmt: skip
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("plans:plan", args=[case.pk])).status_code == 200
    return len(captured)


def test_plan_page_query_count_does_not_grow_with_the_plan(client_for, owner):
    client = client_for(owner)
    assert _plan_page_queries(client, owner, 1) == _plan_page_queries(client, owner, 8)


def test_community_preparation_offers_and_takes_only_home_province_resources(
    client_for, case, owner
):
    home = community_resource_create(
        actor=owner, kind="pagoda", name="Wat Kien Svay", province=case.origin_province
    )
    elsewhere = community_resource_create(
        actor=owner,
        kind="pagoda",
        name="Wat Phnom",
        province=Province.objects.exclude(pk=case.origin_province_id).first(),
    )
    client = client_for(owner)
    url = reverse("plans:community-preparation-create", args=[case.pk])
    offered = client.get(url).context["form"].fields["resource"].queryset
    assert list(offered) == [home]
    posted = client.post(
        url,
        {
            "resource": elsewhere.pk,
            "met_on": timezone.localdate().isoformat(),
            "agreed_to": "Visit",
        },
    )
    assert "home province" in posted.context["form"].errors["resource"][0]
    assert not case.community_preparation.exists()
