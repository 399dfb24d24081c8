"""A form sent back with errors shows all of them at once, summarised at the top, focused."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.conftest import LANGUAGES, PHONE, signed_in


@pytest.mark.parametrize("language", LANGUAGES)
def test_register_form_shows_every_error_at_once_in_a_focused_summary(
    open_page, owner, password, language
):
    page = signed_in(open_page, owner, password, language, viewport=PHONE)
    page.goto("/cases/new/")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page.fill("#id_date_of_birth", tomorrow.isoformat())  # a date rule...
    page.fill("#id_name_latin", "")  # ...and a required field, in the same round
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert summary.bounding_box()["y"] < PHONE["height"]
    hrefs = summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "#id_date_of_birth" in hrefs
    assert "#id_name_latin" in hrefs
    summary.locator("a[href='#id_date_of_birth']").click()
    box = page.locator("#id_date_of_birth").bounding_box()
    assert 0 <= box["y"] < PHONE["height"]
