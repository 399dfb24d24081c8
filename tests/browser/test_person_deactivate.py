"""An administrator on a phone, in English and in Khmer, deactivates a person who still has
open cases: the app asks first, lists the work and hands it to a colleague."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from followup.services import visit_add
from tests.browser.conftest import choose_language, screenshot, sign_in
from tests.browser.test_worker_flow import PHONE, fits_the_screen
from tests.cases.factories import CaseFactory


@pytest.mark.parametrize("language", ["en", "km"])
def test_deactivating_a_person_with_open_cases_asks_and_hands_them_over(
    open_page, org_admin, owner, colleague, password, language
):
    cases = [CaseFactory(actor=owner) for _ in range(2)]
    visit_add(actor=owner, case=cases[0], scheduled_for=timezone.localdate() + dt.timedelta(days=5))
    page = open_page(viewport=PHONE)
    sign_in(page, org_admin.username, password)
    choose_language(page, language)

    page.goto("/organisation/people/")
    page.locator(f"a[href$='/organisation/people/{owner.pk}/deactivate/']").click()
    page.wait_for_url(f"**/organisation/people/{owner.pk}/deactivate/")
    for case in cases:
        assert page.get_by_role("link", name=case.case_number).first.is_visible()
    assert fits_the_screen(page)
    screenshot(page, f"{language}-phone-deactivate-question")

    page.locator("main form button[type=submit]").click()  # nobody chosen: refused
    error = page.locator("main form .errorlist").first
    expect(error).to_be_visible()  # waits for the refused form to come back
    if language == "km":
        assert "ជ្រើសរើសអ្នកដែលទទួលបន្ត" in error.inner_text()
    else:
        assert "choose who takes them over" in error.inner_text()
    owner.refresh_from_db()
    assert owner.is_active
    assert fits_the_screen(page)
    screenshot(page, f"{language}-phone-deactivate-refused")

    page.select_option("#id_successor", str(colleague.pk))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/organisation/people/")
    owner.refresh_from_db()
    assert not owner.is_active
    for case in cases:
        case.refresh_from_db()
        assert case.assigned_worker_id == colleague.pk
    assert fits_the_screen(page)
    screenshot(page, f"{language}-phone-people-after-deactivation")
