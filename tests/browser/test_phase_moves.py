"""The phase form offers only the moves this person may make, closing is asked for and approved,
and a closed case takes no new work."""

import pytest

from cases.models import Phase
from cases.services import case_change_phase
from tests.browser.conftest import LANGUAGES, PHONE, signed_in
from tests.cases.factories import CaseFactory
from tests.plans.factories import close_case

WORDS = {
    "en": {"session": "Log a counselling session", "consent": "Record consent", "edit": "Edit"},
    "km": {"session": "កត់ត្រាវគ្គប្រឹក្សាយោបល់", "consent": "កត់ត្រាការយល់ព្រម", "edit": "កែប្រែ"},
}


def offered(page) -> set[str]:
    return set(page.eval_on_selector_all("#id_to_phase option", "os => os.map(o => o.value)"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_closing_is_asked_for_and_a_supervisor_approves_it(
    open_page, owner, supervisor, password, language
):
    case = case_change_phase(actor=owner, case=CaseFactory(actor=owner), to_phase=Phase.INTAKE)
    page = signed_in(open_page, owner, password, language, viewport=PHONE)
    page.goto(f"/cases/{case.pk}/")
    assert offered(page) == {Phase.RECOVERY, Phase.REINTEGRATION_PLANNING}
    assert page.locator("#id_closure_reason").count() == 0
    page.locator(f"a[href='/plans/cases/{case.pk}/closure/new/']").first.click()
    page.select_option("#id_reason", "lost_contact")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.phase == Phase.INTAKE  # asked, not closed

    boss = signed_in(open_page, supervisor, password, language, viewport=PHONE)
    boss.goto(f"/cases/{case.pk}/")
    assert offered(boss) == {Phase.RECOVERY, Phase.REINTEGRATION_PLANNING}
    boss.goto(f"/plans/cases/{case.pk}/")
    boss.locator("button[name=decision][value=approve]").click()
    boss.wait_for_load_state()
    case.refresh_from_db()
    assert (case.phase, case.closure_reason) == (Phase.CLOSED, "lost_contact")


@pytest.mark.parametrize("language", LANGUAGES)
def test_after_a_refusal_only_the_allowed_moves_are_offered(
    open_page, console, owner, supervisor, password, language
):
    case = case_change_phase(actor=owner, case=CaseFactory(actor=owner), to_phase=Phase.INTAKE)
    page = signed_in(open_page, supervisor, password, language, viewport=PHONE)
    page.goto(f"/cases/{case.pk}/")
    assert offered(page) == {Phase.RECOVERY, Phase.REINTEGRATION_PLANNING}
    # Someone else moves the case while this page is open.
    case_change_phase(actor=owner, case=case, to_phase=Phase.RECOVERY)
    page.select_option("#id_to_phase", Phase.RECOVERY)
    console.expect("status of 400")
    page.locator("form[action$='/phase/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".errorlist").count() == 1
    assert offered(page) == {Phase.REINTEGRATION_PLANNING}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_closed_case_offers_no_new_work(open_page, owner, supervisor, password, language):
    case = CaseFactory(actor=owner)
    close_case(case, requested_by=owner, approved_by=supervisor)
    page = signed_in(open_page, owner, password, language, viewport=PHONE)
    page.goto(f"/cases/{case.pk}/")
    for name in WORDS[language].values():
        assert page.get_by_role("link", name=name, exact=True).count() == 0
    assert offered(page) == {Phase.INTAKE}  # reopening, with the reason
    page.goto(f"/cases/{case.pk}/sessions/new/")
    page.wait_for_url(f"**/cases/{case.pk}/")
