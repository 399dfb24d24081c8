"""Withdrawing a consent asks first: the date, the reason, and which partners lose access."""

import pytest
from playwright.sync_api import expect

from cases.models import Consent
from cases.selectors import case_list_visible_to
from referrals import services as referral_services
from tests.browser.conftest import LANGUAGES, PHONE, signed_in
from tests.cases.factories import CaseFactory
from tests.referrals.helpers import give_consent, send

WORDS = {
    "en": {"withdraw": "Withdraw…", "confirm": "Withdraw consent", "cancel": "Cancel"},
    "km": {"withdraw": "ដកវិញ…", "confirm": "ដកការយល់ព្រមវិញ", "cancel": "លុបចោល"},
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_withdrawal_is_confirmed_with_date_and_reason(
    open_page, owner, outsider, other_ngo, password, language
):
    case = CaseFactory(actor=owner)
    consent = give_consent(case, owner, organisation=other_ngo)
    referral = send(case, owner, other_ngo)
    referral_services.referral_accept(actor=outsider, referral=referral)
    page = signed_in(open_page, owner, password, language, viewport=PHONE)
    page.goto(f"/cases/{case.pk}/")
    words = WORDS[language]

    # A mis-tap only opens the question; cancelling changes nothing.
    sharing = page.locator("li", has_text=other_ngo.short_name)
    sharing.get_by_role("link", name=words["withdraw"]).click()
    assert other_ngo.name in page.locator("#partners").inner_text()
    page.get_by_role("link", name=words["cancel"]).click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    consent.refresh_from_db()
    assert consent.withdrawn_on is None

    sharing.get_by_role("link", name=words["withdraw"]).click()
    page.get_by_role("button", name=words["confirm"]).click()  # no reason given: refused
    expect(page.locator("main form .errorlist").first).to_be_visible()  # the form comes back
    assert page.locator("#id_reason").is_visible()
    consent.refresh_from_db()
    assert consent.withdrawn_on is None

    page.fill("#id_reason", "The family asked for it.")
    page.get_by_role("button", name=words["confirm"]).click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    consent = Consent.objects.get(pk=consent.pk)
    assert consent.withdrawn_on is not None
    assert consent.withdrawal_reason == "The family asked for it."
    assert not case_list_visible_to(outsider).filter(pk=case.pk).exists()
