"""The reintegration plan in a real browser, in Khmer on a 360 px phone: a worker assesses and
plans, the supervisor returns the plan, the worker fixes it, the supervisor approves, the worker
records a service and the survivor is reintegrated."""

import datetime as dt

from django.utils import timezone

from cases.models import Phase
from cases.services import case_change_phase
from followup.services import community_resource_create
from plans.models import (
    ApprovalStatus,
    CommunityPreparation,
    NeedsAssessment,
    Plan,
    PlanStatus,
    ServiceDelivery,
)
from tests.browser.conftest import choose_language, screenshot, sign_in
from tests.browser.test_worker_flow import PHONE, fits_the_screen
from tests.cases.factories import CaseFactory


def in_khmer(page, user, password) -> None:
    sign_in(page, user.username, password)
    choose_language(page, "km")


def save(page, url_after: str) -> None:
    page.locator("main form.stack button[type=submit]").last.click()
    page.wait_for_url(url_after)


def on_the_phone(page, name: str) -> None:
    screenshot(page, f"plan-km-{name}")
    assert fits_the_screen(page), f"{name} is wider than 360 px"


def test_plan_written_returned_approved_and_carried_out_in_khmer_on_a_phone(
    open_page, owner, supervisor, password
):
    case = CaseFactory(actor=owner, name_latin="Keo Sophea", name_khmer="កែវ សុភា")
    for phase in (Phase.INTAKE, Phase.REINTEGRATION_PLANNING):
        case = case_change_phase(actor=owner, case=case, to_phase=phase)
    pagoda = community_resource_create(
        actor=supervisor,
        kind="pagoda",
        name="Wat Preah Put",
        name_km="វត្តព្រះពុទ្ធ",
        province=case.origin_province,
    )
    today = timezone.localdate()
    plan_url = f"**/plans/cases/{case.pk}/"
    edit_url = f"**/plans/cases/{case.pk}/edit/"

    worker = open_page(viewport=PHONE)
    in_khmer(worker, owner, password)

    # Needs assessment: every domain scored.
    worker.goto(f"/plans/cases/{case.pk}/assessments/new/")
    worker.select_option("#id_occasion", "intake")
    for select in worker.locator("select[id^='id_score_']").all():
        select.select_option("2")
    on_the_phone(worker, "assessment")
    save(worker, plan_url)
    assert NeedsAssessment.objects.filter(case=case).count() == 1
    cut_off = worker.evaluate(
        "[...document.querySelectorAll('.scores-chart text')].filter(t => t.getBBox().x < 0)"
        ".map(t => t.textContent)"
    )
    assert cut_off == [], "domain names are cut off at the chart's left edge"

    # Community preparation: the pagoda of her home province, from the directory.
    worker.goto(f"/plans/cases/{case.pk}/community-preparation/new/")
    worker.select_option("#id_resource", str(pagoda.pk))
    worker.fill("#id_met_on", (today - dt.timedelta(days=3)).isoformat())
    worker.fill("#id_agreed_to", "The monk will welcome her at the village ceremony")
    on_the_phone(worker, "community-preparation")
    save(worker, plan_url)
    assert CommunityPreparation.objects.get(case=case).resource == pagoda

    # The plan: a livelihood goal with training from the community resource.
    worker.goto(f"/plans/cases/{case.pk}/edit/")
    worker.select_option("#id_goal-domain", "livelihood")
    worker.fill("#id_goal-description", "A steady income from sewing within a year")
    worker.locator("button[name=add_goal]").click()
    worker.wait_for_url(edit_url)
    goal = Plan.objects.get(case=case).goals.get()
    for field in ("goal", "referral", "resource"):
        label = worker.locator(f"label[for='id_action-{field}']").inner_text()
        assert not any("a" <= c.lower() <= "z" for c in label), f"label in English: {label}"
    worker.select_option("#id_action-goal", str(goal.pk))
    worker.fill("#id_action-what", "Sewing course")
    worker.select_option("#id_action-provider_kind", "community")
    worker.select_option("#id_action-resource", str(pagoda.pk))
    worker.fill("#id_action-target_date", (today + dt.timedelta(days=60)).isoformat())
    worker.locator("button[name=add_action]").click()
    worker.wait_for_url(edit_url)
    on_the_phone(worker, "plan-edit")
    worker.locator("form[action$='/submit/'] button").click()
    worker.wait_for_url(plan_url)
    assert Plan.objects.get(case=case).status == PlanStatus.SUBMITTED

    # The supervisor returns it with a comment.
    boss = open_page(viewport=PHONE)
    in_khmer(boss, supervisor, password)
    boss.goto("/plans/approvals/")
    on_the_phone(boss, "approvals")
    boss.locator(f"a[href$='/plans/cases/{case.pk}/']").first.click()
    boss.wait_for_url(plan_url)
    boss.locator("form[action*='/approvals/'] textarea").fill("Add who pays for the course")
    on_the_phone(boss, "decide")
    boss.locator("button[value=return]").click()
    boss.wait_for_url(plan_url)
    assert Plan.objects.get(case=case).status == PlanStatus.RETURNED

    # The worker sees the comment, fixes the plan and submits again.
    worker.goto(f"/plans/cases/{case.pk}/edit/")
    assert worker.get_by_text("Add who pays for the course").is_visible()
    worker.select_option("#id_action-goal", str(goal.pk))
    worker.fill("#id_action-what", "Course fee paid by our organisation")
    worker.select_option("#id_action-provider_kind", "own")
    worker.fill("#id_action-target_date", (today + dt.timedelta(days=14)).isoformat())
    worker.locator("button[name=add_action]").click()
    worker.wait_for_url(edit_url)
    on_the_phone(worker, "plan-returned")
    worker.locator("form[action$='/submit/'] button").click()
    worker.wait_for_url(plan_url)

    # The supervisor approves.
    boss.goto(f"/plans/cases/{case.pk}/")
    boss.locator("button[value=approve]").click()
    boss.wait_for_url(plan_url)
    plan = Plan.objects.get(case=case)
    assert plan.status == PlanStatus.APPROVED
    assert [a.status for a in plan.approvals.order_by("pk")] == [
        ApprovalStatus.RETURNED,
        ApprovalStatus.APPROVED,
    ]

    # The worker records a service delivered, then moves the case to reintegrated.
    worker.goto(f"/plans/cases/{case.pk}/")
    on_the_phone(worker, "plan-approved")
    worker.locator("a[href*='/services/new/']").first.click()
    worker.fill("#id_provider", "Wat Preah Put sewing class")
    worker.fill("#id_note", "First week attended")
    on_the_phone(worker, "service")
    save(worker, plan_url)
    assert ServiceDelivery.objects.get(case=case).provider == "Wat Preah Put sewing class"

    worker.goto(f"/cases/{case.pk}/")
    worker.select_option("#id_to_phase", Phase.REINTEGRATED)
    worker.locator("form[action$='/phase/'] button[type=submit]").click()
    worker.wait_for_url(f"**/cases/{case.pk}/")
    case.refresh_from_db()
    assert case.phase == Phase.REINTEGRATED
    on_the_phone(worker, "case-reintegrated")
    assert "ផែនការ" in worker.content()  # the plan section speaks Khmer
