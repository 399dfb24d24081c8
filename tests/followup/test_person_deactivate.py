"""Deactivating a person asks first, and hands their open cases and planned visits to one
active worker of the same organisation, in one step."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseEvent, Phase
from followup import services
from followup.models import FollowUpVisit, Notification, ReminderKind, VisitStatus
from followup.sending import reminders_send_due
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(owner):
    """Two open cases and a closed one of the owner's, with a planned visit and a done one."""
    first, second = CaseFactory(actor=owner), CaseFactory(actor=owner)
    closed = CaseFactory(actor=owner)
    closed.phase = Phase.CLOSED
    closed.closure_reason = "moved_away"
    closed.save(update_fields=["phase", "closure_reason"])
    today = timezone.localdate()
    planned = services.visit_add(
        actor=owner, case=first, scheduled_for=today + dt.timedelta(days=9)
    )
    done = services.visit_add(actor=owner, case=second, scheduled_for=today)
    services.visit_record(actor=owner, visit=done, visited_on=today)
    return {"open": [first, second], "closed": closed, "planned": planned, "done": done}


def deactivate_page(owner):
    return reverse("person-deactivate", args=[owner.pk])


def test_the_page_asks_first_and_lists_open_cases_and_planned_visits(
    client_for, org_admin, owner, work
):
    client = client_for(org_admin)
    # The one-click button of the People page now leads to the question.
    one_click = client.post(
        reverse("organisations:person-active", args=[owner.pk]), {"active": "0"}
    )
    assert one_click.status_code == 302 and one_click.url == deactivate_page(owner)
    owner.refresh_from_db()
    assert owner.is_active

    page = client.get(deactivate_page(owner)).content.decode()
    for case in work["open"]:
        assert case.case_number in page
    assert work["closed"].case_number not in page
    assert "2 open cases" in page and "1 planned visit" in page


def test_deactivation_with_open_work_and_nobody_to_take_it_is_refused(
    client_for, org_admin, owner, work
):
    response = client_for(org_admin).post(deactivate_page(owner), {"successor": ""})
    assert response.status_code == 200
    assert "choose who takes them over" in response.content.decode()
    owner.refresh_from_db()
    assert owner.is_active
    assert all(c.assigned_worker_id == owner.pk for c in work["open"])


def test_open_cases_and_planned_visits_are_handed_over_with_the_deactivation(
    client_for, org_admin, owner, colleague, work
):
    response = client_for(org_admin).post(deactivate_page(owner), {"successor": colleague.pk})
    assert response.status_code == 302 and response.url == reverse("organisations:people")
    owner.refresh_from_db()
    assert not owner.is_active
    for case in work["open"]:
        case.refresh_from_db()
        assert case.assigned_worker_id == colleague.pk
        assert CaseEvent.objects.filter(case=case, kind="assigned").exists()
    work["closed"].refresh_from_db()
    assert work["closed"].assigned_worker_id == owner.pk  # history stays as it was
    planned = FollowUpVisit.objects.get(pk=work["planned"].pk)
    assert planned.assigned_worker_id == colleague.pk and planned.status == VisitStatus.PLANNED
    assert FollowUpVisit.objects.get(pk=work["done"].pk).assigned_worker_id == owner.pk
    texts = [e.text for e in CaseEvent.objects.filter(case=work["open"][0], kind="follow_up")]
    assert any("handed over" in t and colleague.get_full_name() in t for t in texts), texts
    # The team page counts the colleague's new caseload.
    team = client_for(org_admin).get(reverse("cases:team"))
    assert {w.pk: w.open_cases for w in team.context["workers"]}[colleague.pk] == 2


def test_the_successor_must_be_an_active_worker_of_the_same_organisation(
    client_for, org_admin, owner, outsider, work
):
    client = client_for(org_admin)
    for successor in (outsider.pk, org_admin.pk, owner.pk, "nobody"):
        response = client.post(deactivate_page(owner), {"successor": successor})
        assert response.status_code == 200, successor
    owner.refresh_from_db()
    assert owner.is_active


def test_a_person_with_no_open_work_is_deactivated_after_the_question(
    client_for, org_admin, colleague
):
    client = client_for(org_admin)
    assert "no open cases" in client.get(deactivate_page(colleague)).content.decode()
    response = client.post(deactivate_page(colleague), {})
    assert response.status_code == 302, response.context["form"].errors
    colleague.refresh_from_db()
    assert not colleague.is_active


@pytest.mark.parametrize("who", ["supervisor", "owner", "outsider"])
def test_only_the_organisations_administrator_deactivates(
    client_for, request, colleague, org_admin, who
):
    client = client_for(request.getfixturevalue(who))
    assert client.get(deactivate_page(colleague)).status_code == 404
    assert client.post(deactivate_page(colleague), {}).status_code == 404
    assert client_for(org_admin).get(deactivate_page(org_admin)).status_code == 404  # not oneself
    colleague.refresh_from_db()
    assert colleague.is_active


def test_the_question_costs_the_same_queries_for_one_case_or_many(client_for, org_admin, owner):
    client = client_for(org_admin)
    client.get(deactivate_page(owner))  # the session and the membership are cached after this

    def queries_with(n_cases: int) -> int:
        for _ in range(n_cases):
            case = CaseFactory(actor=owner)
            services.visit_add(
                actor=owner, case=case, scheduled_for=timezone.localdate() + dt.timedelta(days=3)
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(deactivate_page(owner)).status_code == 200
        return len(queries)

    assert queries_with(1) == queries_with(4)


def test_the_reminders_of_a_handed_over_visit_go_to_the_new_worker(
    client_for, org_admin, owner, colleague, work
):
    client_for(org_admin).post(deactivate_page(owner), {"successor": colleague.pk})
    due = services.reminder_due_times(work["planned"].scheduled_for)[ReminderKind.DUE]
    assert reminders_send_due(now=due) >= 1
    assert Notification.objects.filter(recipient=colleague, reminder__kind="due").exists()
    assert not Notification.objects.filter(recipient=owner).exists()
