"""The phase form offers only the moves this person may make; a closed case takes no new work."""

import pytest

from cases.models import Phase
from cases.services import case_change_phase
from tests.browser.conftest import LANGUAGES, PHONE, signed_in
from tests.cases.factories import CaseFactory

WORDS = {
    "en": {"session": "Log a counselling session", "consent": "Record consent", "edit": "Edit"},
    "km": {"session": "កត់ត្រាវគ្គប្រឹក្សាយោបល់", "consent": "កត់ត្រាការយល់ព្រម", "edit": "កែប្រែ"},
}


def offered(page) -> set[str]:
    return set(page.eval_on_selector_all("#id_to_phase option", "os => os.map(o => o.value)"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_worker_is_not_offered_closing(open_page, owner, password, language):
    case = case_change_phase(actor=owner, case=CaseFactory(actor=owner), to_phase=Phase.INTAKE)
    page = signed_in(open_page, owner, password, language, viewport=PHONE)
    page.goto(f"/cases/{case.pk}/")
    assert offered(page) == {Phase.RECOVERY, Phase.REINTEGRATION_PLANNING}
    assert page.locator("#id_closure_reason").count() == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_after_a_refusal_only_the_allowed_moves_are_offered(
    open_page, console, owner, supervisor, password, language
):
    case = case_change_phase(actor=owner, case=CaseFactory(actor=owner), to_phase=Phase.INTAKE)
    page = signed_in(open_page, supervisor, password, language, viewport=PHONE)
    page.goto(f"/cases/{case.pk}/")
    allowed = {Phase.RECOVERY, Phase.REINTEGRATION_PLANNING, Phase.CLOSED}
    assert offered(page) == allowed
    page.select_option("#id_to_phase", Phase.CLOSED)
    console.expect("status of 400")
    page.locator("form[action$='/phase/'] button[type=submit]").click()  # no reason given
    page.wait_for_load_state()
    assert page.locator("#id_closure_reason").is_visible()
    assert offered(page) == allowed


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_closed_case_offers_no_new_work(open_page, owner, supervisor, password, language):
    case = CaseFactory(actor=owner)
    case_change_phase(
        actor=supervisor, case=case, to_phase=Phase.CLOSED, closure_reason="lost_contact"
    )
    page = signed_in(open_page, owner, password, language, viewport=PHONE)
    page.goto(f"/cases/{case.pk}/")
    for name in WORDS[language].values():
        assert page.get_by_role("link", name=name, exact=True).count() == 0
    assert offered(page) == {Phase.INTAKE}  # reopening, with the reason
    page.goto(f"/cases/{case.pk}/sessions/new/")
    page.wait_for_url(f"**/cases/{case.pk}/")
