"""HIV status, health notes and legal case details get their own restricted page."""

import pytest

from audit.models import AccessEvent, Action
from cases.models import CaseSensitiveFacts
from tests.browser.conftest import LANGUAGES, PHONE, signed_in
from tests.cases.factories import CaseFactory

WORDS = {
    "en": {"record": "Record health and legal facts", "save": "Save", "positive": "Positive"},
    "km": {"record": "កត់ត្រាព័ត៌មានសុខភាព និងផ្លូវច្បាប់", "save": "រក្សាទុក"},
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_assigned_worker_records_health_and_legal_facts(
    open_page, console, owner, colleague, password, language
):
    case = CaseFactory(actor=owner, name_latin="Heng Sokha")
    page = signed_in(open_page, owner, password, language, viewport=PHONE)
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name=WORDS[language]["record"]).click()
    page.select_option("#id_hiv_status", "positive")
    page.fill("#id_health_notes", "On ART since March; clinic in Battambang.")
    page.fill("#id_legal_details", "Witness in the Poipet trial.")
    page.get_by_role("button", name=WORDS[language]["save"]).click()
    page.wait_for_url(f"**/cases/{case.pk}/")

    facts = CaseSensitiveFacts.objects.get(case=case)
    assert facts.hiv_status == "positive"
    assert facts.legal_details == "Witness in the Poipet trial."
    assert page.get_by_text("On ART since March").is_visible()
    assert AccessEvent.objects.filter(
        case_id=case.pk, action=Action.UPDATE, object_type="casesensitivefacts"
    ).exists()

    page.get_by_role("link", name=WORDS[language]["record"]).click()
    history = page.locator("ol.timeline li")
    assert history.count() == 1
    assert owner.username in history.first.inner_text() or owner.get_full_name() in (
        history.first.inner_text()
    )
    assert page.input_value("#id_legal_details") == "Witness in the Poipet trial."

    # A colleague who may work on the case but not see health facts: no link, no page,
    # and the case's timeline says only that they changed.
    other = signed_in(open_page, colleague, password, language)
    other.goto(f"/cases/{case.pk}/")
    assert other.get_by_role("link", name=WORDS[language]["record"]).count() == 0
    assert "Poipet" not in other.content()
    console.expect("status of 404")
    assert other.goto(f"/cases/{case.pk}/sensitive/").status == 404
