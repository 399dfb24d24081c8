"""A survivor of another nationality, freed from a scam compound in Preah Sihanouk, from
registration to home, in Khmer on a phone: registered with no Khmer name, an interpreter needed,
two forms of exploitation; returned to Indonesia with a travel document applied for and issued,
the receiving agency accepting, the journey and the handover recorded; the case closed as
returned through a closure request the supervisor approves."""

import datetime as dt

from django.utils import timezone

from cases.models import Case, Phase
from organisations.models import Village
from plans.models import Approval, ApprovalStatus
from returns.models import CrossBorderReturn
from tests.browser.conftest import choose_language, screenshot, sign_in
from tests.browser.test_return_flow import START, in_khmer, on_the_phone, record_step, save
from tests.browser.test_worker_flow import PHONE, choose_place, fits_the_screen


def register(page, today) -> Case:
    page.goto("/cases/new/")
    page.check("#id_consent_given_by_0")  # the survivor, an adult
    page.fill("#id_name_latin", "Siti Rahayu")
    page.select_option("#id_nationality", "ID")
    page.check("input[name=languages][value=id]")
    page.check("#id_interpreter_needed")
    page.select_option("#id_sex", "female")
    page.fill("#id_date_of_birth", (today - dt.timedelta(days=365 * 26)).isoformat())
    # Where the survivor is placed in Cambodia for now: the compound's province.
    choose_place(
        page, Village.objects.filter(commune__isnull=False, district__province_id="18").first()
    )
    page.check("input[name=exploitations][value=forced_criminality]")
    page.check("input[name=exploitations][value=forced_labour]")
    page.select_option("#id_exploitation_country", "KH")
    page.select_option("#id_exploitation_province", "18")
    page.fill("#id_exploitation_from", (today - dt.timedelta(days=240)).isoformat())
    page.select_option("#id_movement", "cross_border")
    page.select_option("#id_destination_country", "KH")
    page.select_option("#id_how_identified", "police_raid")
    screenshot(page, "km-foreign-national-intake")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/cases/*/")
    return Case.objects.get(name_latin="Siti Rahayu")


def test_an_indonesian_citizen_from_a_scam_compound_is_registered_returned_home_and_closed(
    open_page, owner, supervisor, password
):
    today = timezone.localdate()
    page = open_page(viewport=PHONE)
    sign_in(page, owner.username, password)
    choose_language(page, "km")
    case = register(page, today)

    assert case.nationality == "ID" and case.interpreter_needed and case.name_khmer == ""
    assert sorted(case.exploitations.values_list("form", flat=True)) == [
        "forced_criminality",
        "forced_labour",
    ]
    content = page.content()
    assert in_khmer("Indonesia") in content
    assert in_khmer("needs an interpreter") in content
    assert in_khmer("Forced criminality (scam compound, online fraud)") in content
    on_the_phone(page, "km-foreign-national-case")

    # The return out of Cambodia, step by step.
    page.get_by_role("link", name=START).click()
    page.select_option("#id_direction", "out_of_cambodia")
    page.select_option("#id_country", "ID")
    page.fill("#id_identified_on", (today - dt.timedelta(days=40)).isoformat())
    page.fill("#id_receiving_agency", "IOM Jakarta")
    on_the_phone(page, "km-foreign-national-return-start")
    page.get_by_role("button", name=in_khmer("Save")).click()
    page.wait_for_url(f"**/cases/{case.pk}/#return")
    record_step(page, case, "nationality_verified", 35, note="Embassy interview")
    record_step(page, case, "document_applied", 30, document_authority="embassy")
    record_step(page, case, "document_issued", 20)
    record_step(page, case, "agency_accepted", 15)
    record_step(page, case, "travelled", 10, route="phnom_penh_airport")
    record_step(
        page, case, "handed_over", 10, received_by="Ibu Sari, IOM", handover_place="Jakarta"
    )
    section = page.locator("#return")
    text = section.inner_text()
    assert in_khmer("Cross-border return (restricted)") in text
    assert in_khmer("Indonesia") in text
    assert in_khmer("Phnom Penh airport") in text
    assert "IOM Jakarta" in text and "Ibu Sari, IOM" in text
    section.scroll_into_view_if_needed()
    on_the_phone(page, "return-km-phone")
    ret = CrossBorderReturn.objects.get(case=case)
    assert (ret.document_authority, ret.route, ret.received_by) == (
        "embassy",
        "phnom_penh_airport",
        "Ibu Sari, IOM",
    )
    assert ret.steps.count() == 7

    # The worker asks to close the case: she went home.
    page.get_by_role("link", name=in_khmer("Ask to close the case")).first.click()
    page.select_option("#id_reason", "returned_home")
    page.fill("#id_note", "Handed over to IOM Jakarta at the airport")
    on_the_phone(page, "km-foreign-national-closure-request")
    save(page, f"**/plans/cases/{case.pk}/")
    case.refresh_from_db()
    assert case.phase != Phase.CLOSED  # not before a supervisor approves

    # The supervisor finds the request waiting and approves it.
    boss = open_page(viewport=PHONE)
    sign_in(boss, supervisor.username, password)
    choose_language(boss, "km")
    boss.goto("/plans/approvals/")
    waiting = boss.locator("main table").inner_text()
    assert in_khmer("Returned to country of origin") in waiting
    on_the_phone(boss, "km-foreign-national-approvals")
    boss.locator(f"a[href$='/plans/cases/{case.pk}/']").first.click()
    boss.wait_for_url(f"**/plans/cases/{case.pk}/")
    boss.get_by_role("button", name=in_khmer("Approve")).click()
    boss.wait_for_url(f"**/plans/cases/{case.pk}/")
    assert Approval.objects.get(case=case).status == ApprovalStatus.APPROVED

    # The case page tells the worker it is closed, as returned.
    page.goto(f"/cases/{case.pk}/")
    phase = page.locator("p.phase").inner_text()
    assert in_khmer("Closed") in phase
    assert in_khmer("Returned to country of origin") in phase
    assert page.get_by_role("link", name=in_khmer("Ask to close the case")).count() == 0
    on_the_phone(page, "km-foreign-national-closed")
    case.refresh_from_db()
    assert (case.phase, case.closure_reason) == (Phase.CLOSED, "returned_home")
    assert fits_the_screen(page)
