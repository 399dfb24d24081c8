"""Not found and not sent: the app's own pages, translated, fitting a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LANGUAGES, PHONE, signed_in
from tests.cases.factories import CaseFactory

WORDS = {
    "en": {"404": "Not found", "403": "Not sent"},
    "km": {"404": "រកមិនឃើញ", "403": "មិនបានផ្ញើ"},
}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("language", LANGUAGES)
def test_not_found_and_not_sent_are_the_apps_own_pages(
    open_page, console, owner, outsider, password, language
):
    case = CaseFactory(actor=owner)
    page = signed_in(open_page, outsider, password, language, viewport=PHONE)
    console.expect("status of 404")
    response = page.goto(f"/cases/{case.pk}/")
    assert response.status == 404
    assert page.get_by_role("heading", name=WORDS[language]["404"]).is_visible()
    assert page.locator("header.bar").is_visible()  # the app's page, with its menu
    assert fits(page)

    # A form whose security token is gone (a page left open overnight) is refused politely.
    console.expect("status of 403")
    page.goto("/cases/new/")
    page.evaluate("document.querySelector('main form [name=csrfmiddlewaretoken]').remove()")
    page.context.clear_cookies(name="csrftoken")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name=WORDS[language]["403"])).to_be_visible()
    assert fits(page)
