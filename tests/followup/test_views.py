"""Follow-up pages: recording a visit, access as an outsider, and query budgets."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from followup.models import (
    CommunityResource,
    FollowUpVisit,
    Notification,
    Reminder,
    ResourceKind,
    VisitStatus,
)
from followup.sending import reminders_send_due
from organisations.models import Commune
from tests.cases.factories import CaseFactory
from tests.followup.factories import planned_visit

pytestmark = pytest.mark.django_db

# Each page: session, user, membership with its organisation.
REQUEST_OVERHEAD = 3


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured), [q["sql"] for q in captured.captured_queries]


@pytest.fixture
def visit(case, owner):
    return planned_visit(case, on=timezone.localdate(), worker=owner)


@pytest.fixture
def resource(ngo, case):
    return CommunityResource.objects.create(
        kind=ResourceKind.PAGODA,
        name="Wat Phnom Prasith",
        organisation=ngo,
        province=case.origin_province,
        commune=case.origin_commune,
    )


def record_data(**overrides):
    data = {
        "visited_on": timezone.localdate().isoformat(),
        "place": "Family home",
        "met_survivor": "on",
        "met_family": "on",
        "met_monk": "on",
        "safety": "4",
        "health": "3",
        "family_acceptance": "5",
        "community_acceptance": "3",
        "school_or_work": "employed",
        "monthly_income_riel": "600000",
        "debts_riel": "0",
        "risk_signs": "",
        "notes": "Works at a garment factory in Kampong Speu.",
    }
    data.update(overrides)
    return data


def test_a_visit_is_recorded_with_who_was_met_and_resources(client_for, owner, visit, resource):
    url = reverse("followup:visit", args=[visit.pk])
    response = client_for(owner).post(url, record_data(resources=[resource.pk]))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE
    assert visit.met_monk and visit.met_family and not visit.met_teacher
    assert visit.monthly_income_riel == 600_000
    assert list(visit.resources.all()) == [resource]
    assert not visit.reminders.filter(sent_at__isnull=True).exists()
    assert visit.case.events.filter(kind="follow_up").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("visited_on", (timezone.localdate() + dt.timedelta(days=2)).isoformat(), "future"),
        ("monthly_income_riel", "-5000", "greater than or equal to 0"),
        ("debts_riel", "-1", "greater than or equal to 0"),
    ],
)
def test_record_errors_show_by_the_field_and_save_nothing(
    client_for, owner, visit, field, value, message
):
    url = reverse("followup:visit", args=[visit.pk])
    response = client_for(owner).post(url, record_data(**{field: value}))
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED
    assert visit.visited_on is None and visit.monthly_income_riel is None
    assert visit.reminders.count() == 3


def test_a_missed_visit_is_recorded_as_such(client_for, owner, visit):
    response = client_for(owner).post(
        reverse("followup:visit-missed", args=[visit.pk]), {"notes": "Nobody at home"}
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.MISSED and visit.notes == "Nobody at home"
    assert not visit.reminders.filter(sent_at__isnull=True).exists()


def test_move_needs_a_reason_and_cancel_records_one(client_for, owner, visit):
    client = client_for(owner)
    later = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    move = reverse("followup:visit-move", args=[visit.pk])
    assert client.post(move, {"scheduled_for": later, "reason": ""}).status_code == 400
    assert client.post(move, {"scheduled_for": later, "reason": "Flooded road"}).status_code == 302
    cancel = reverse("followup:visit-cancel", args=[visit.pk])
    assert client.post(cancel, {"reason": "Moved to Phnom Penh"}).status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED and visit.moved_reason == "Flooded road"


def test_a_visit_is_added_from_the_case(client_for, owner, case):
    url = reverse("followup:visit-add", args=[case.pk])
    day = (timezone.localdate() + dt.timedelta(days=9)).isoformat()
    assert client_for(owner).post(url, {"scheduled_for": day}).status_code == 302
    assert case.followup_visits.get().reminders.count() == 3


def test_a_resource_is_added_to_the_directory(client_for, owner, case):
    commune = Commune.objects.select_related("district").get(pk=case.origin_commune_id)
    response = client_for(owner).post(
        reverse("followup:resource-create"),
        {
            "kind": "savings_group",
            "name": "Women's savings group",
            "province": commune.district.province_id,
            "commune_code": commune.code,
        },
    )
    assert response.status_code == 302
    listing = client_for(owner).get(
        reverse("followup:resources"), {"province": commune.district.province_id}
    )
    assert b"Women&#x27;s savings group" in listing.content


def test_an_outsider_gets_404_on_every_followup_page_of_the_case(
    client_for, owner, outsider, case, visit
):
    reminders_send_due(now=timezone.now() + dt.timedelta(days=30))
    client = client_for(outsider)
    for url in (
        reverse("followup:visit", args=[visit.pk]),
        reverse("followup:visit-move", args=[visit.pk]),
        reverse("followup:visit-cancel", args=[visit.pk]),
        reverse("followup:visit-add", args=[case.pk]),
        reverse("followup:history", args=[case.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("followup:visit", args=[visit.pk]),
        reverse("followup:visit-missed", args=[visit.pk]),
        reverse("followup:visit-move", args=[visit.pk]),
        reverse("followup:visit-cancel", args=[visit.pk]),
        reverse("followup:visit-add", args=[case.pk]),
    ):
        assert client.post(url, {"reason": "x", "notes": "x"}).status_code == 404, url
    assert reverse("followup:visit", args=[999_999]) and (
        client.get(reverse("followup:visit", args=[999_999])).status_code == 404
    )
    for name in ("followup:week", "followup:overdue", "followup:notifications"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert case.case_number.encode() not in response.content, name
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED
    assert Notification.objects.filter(recipient=owner).exists()
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_a_colleague_limited_to_assigned_cases_cannot_record(client_for, ngo, colleague, visit):
    ngo.workers_see_assigned_only = True
    ngo.save()
    response = client_for(colleague).post(reverse("followup:visit", args=[visit.pk]), record_data())
    assert response.status_code == 404


def test_overdue_lists_the_workers_own_and_the_supervisors_whole_team(
    client_for, owner, colleague, supervisor, case
):
    past = timezone.localdate() - dt.timedelta(days=10)
    mine = planned_visit(case, on=past, worker=owner)
    theirs = planned_visit(CaseFactory(actor=colleague), on=past, worker=colleague)
    owner_page = client_for(owner).get(reverse("followup:overdue"))
    assert list(owner_page.context["page"]) == [mine]
    supervisor_page = client_for(supervisor).get(reverse("followup:overdue"))
    assert set(supervisor_page.context["page"]) == {mine, theirs}


def test_overdue_pages_go_forward_and_back_without_counting(client_for, owner, case, monkeypatch):
    from followup import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    today = timezone.localdate()
    visits = [planned_visit(case, on=today - dt.timedelta(days=d), worker=owner) for d in (9, 5, 2)]
    client = client_for(owner)
    first = client.get(reverse("followup:overdue"))
    assert list(first.context["page"]) == visits[:2]
    assert b"?page=2" in first.content and b"?page=1" not in first.content
    second = client.get(reverse("followup:overdue"), {"page": "2"})
    assert list(second.context["page"]) == visits[2:]
    assert b"?page=1" in second.content and b"?page=3" not in second.content
    for nonsense in ("x", "-4", "0"):
        page = client.get(reverse("followup:overdue"), {"page": nonsense}).context["page"]
        assert list(page) == visits[:2]


def make_rows(case, owner, rows):
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    for i in range(rows):
        planned_visit(case, on=monday + dt.timedelta(days=i % 7), worker=owner)
        planned_visit(case, on=today - dt.timedelta(days=1 + i), worker=owner)
        done = planned_visit(case, on=today - dt.timedelta(days=400 - i), worker=owner)
        FollowUpVisit.objects.filter(pk=done.pk).update(
            status=VisitStatus.DONE,
            visited_on=done.scheduled_for,
            monthly_income_riel=100_000 * (i + 1),
            safety=3,
            health=4,
        )
    reminders_send_due(now=timezone.now())


@pytest.mark.parametrize("rows", [2, 12])
def test_followup_pages_cost_the_same_whatever_the_rows(client_for, owner, case, resource, rows):
    make_rows(case, owner, rows)
    for _ in range(rows):
        resource.pk = None
        resource.save()
    assert Reminder.objects.filter(sent_at__isnull=False).count() >= rows
    client = client_for(owner)
    budgets = {
        # + this week's visits with their cases and places; + the audit row.
        reverse("followup:week"): 2,
        # + the page of visits with cases and workers (no count); + the audit row.
        reverse("followup:overdue"): 2,
        # + the case, + the audit row, + its visits with workers, + their resources (prefetch).
        reverse("followup:history", args=[case.pk]): 4,
        # + paginator count, + the page of notifications.
        reverse("followup:notifications"): 2,
        # + provinces for the filter, + paginator count, + the page with places and owners.
        reverse("followup:resources"): 3,
    }
    for url, budget in budgets.items():
        count, sql = queries_for(client, url)
        assert count == REQUEST_OVERHEAD + budget, (url, "\n".join(sql))


def test_history_draws_income_and_wellbeing(client_for, owner, case):
    make_rows(case, owner, 3)
    response = client_for(owner).get(reverse("followup:history", args=[case.pk]))
    chart = response.context["chart"]
    assert chart.income_max == 300_000
    assert len(chart.income_points.split()) == 3
    assert b"<svg" in response.content and b"<polyline" in response.content


@pytest.mark.parametrize("rows", [1, 6])
def test_case_page_section_costs_two_queries(client_for, owner, case, rows):
    make_rows(case, owner, rows)
    from django.test import RequestFactory

    from followup.templatetags.followup_tags import case_followup

    request = RequestFactory().get("/")
    request.user = owner
    with CaptureQueriesContext(connection) as captured:
        context = case_followup({"request": request}, case)
    assert len(captured) == 2
    assert len(context["upcoming"]) == min(3, rows * 2)
    response = client_for(owner).get(reverse("cases:detail", args=[case.pk]))
    assert reverse("followup:history", args=[case.pk]).encode() in response.content


def test_every_followup_page_renders_for_the_worker(client_for, owner, case, visit):
    client = client_for(owner)
    for url in (
        reverse("followup:visit", args=[visit.pk]),
        reverse("followup:visit-move", args=[visit.pk]),
        reverse("followup:visit-cancel", args=[visit.pk]),
        reverse("followup:visit-add", args=[case.pk]),
        reverse("followup:history", args=[case.pk]),
        reverse("followup:resource-create"),
        reverse("followup:week"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b'<label for="id_' in response.content or url.endswith(("history/", "week/"))


def test_notifications_are_marked_read(client_for, owner, visit):
    reminders_send_due(now=timezone.now() + dt.timedelta(days=30))
    client = client_for(owner)
    first = Notification.objects.filter(recipient=owner).first()
    client.post(reverse("followup:notifications"), {"notification": first.pk})
    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.filter(recipient=owner, read_at__isnull=True).count() == 2
    client.post(reverse("followup:notifications"))
    assert not Notification.objects.filter(recipient=owner, read_at__isnull=True).exists()


def test_the_command_sends_what_is_due(owner, case):
    from django.core.management import call_command

    planned_visit(case, on=timezone.localdate() - dt.timedelta(days=1), worker=owner)
    call_command("send_reminders")
    # Coming up (four days ago) and due (yesterday); overdue only in six days.
    assert Notification.objects.filter(recipient=owner).count() == 2
