"""A ministry officer's home is the dashboard, with the referrals received one tap away."""

import pytest

from tests.browser.conftest import LANGUAGES, PHONE, choose_language, sign_in
from tests.cases.factories import CaseFactory

WORDS = {
    "en": {"dashboard": "Caseload dashboard", "inbox": "Referrals received"},
    "km": {"inbox": "ការបញ្ជូនដែលបានទទួល"},
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_officer_lands_on_the_dashboard(open_page, officer, owner, password, language):
    CaseFactory(actor=owner)
    page = open_page(viewport=PHONE)
    page.goto("/accounts/login/")
    choose_language(page, language)
    sign_in(page, officer.username, password)
    page.wait_for_url("**/dashboards/")
    assert page.locator("main h1").is_visible()
    page.get_by_role("link", name=WORDS[language]["inbox"]).click()
    page.wait_for_url("**/referrals/**")


def test_a_worker_lands_on_my_work(open_page, owner, password):
    CaseFactory(actor=owner)
    page = open_page()
    sign_in(page, owner.username, password)
    page.wait_for_url("**/plans/my-work/")
