"""An organisation administrator on a 360 px phone adds a webhook endpoint, copies its secret,
and sees a delivery and its answer; nothing runs off the side, in English or Khmer."""

import pytest

from tests.browser.conftest import LANGUAGES, PHONE, open_menu, screenshot, signed_in
from tests.referrals.helpers import give_consent, send
from tests.webhooks.conftest import running_receiver
from webhooks.delivery import deliveries_send_due
from webhooks.models import WebhookEndpoint

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth + 1"


@pytest.fixture
def receiver():
    with running_receiver() as state:
        yield state


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_administrator_adds_an_endpoint_on_a_phone(
    open_page, org_admin, password, language, receiver, case, owner, other_ngo
):
    page = signed_in(open_page, org_admin, password, language, viewport=PHONE)
    open_menu(page)
    page.locator("header nav a[href='/api/v1/keys/']").click()
    page.locator("main a[href='/webhooks/']").click()
    page.fill("#id_url", receiver.url)
    page.fill("#id_description", "IOM case database")
    page.locator("input[name=events][value='referral.created']").check()
    page.locator("main form button[type=submit]").click()

    secret = page.locator("#new-secret").input_value()
    endpoint = WebhookEndpoint.objects.get()
    assert secret == endpoint.secret
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, f"phone-webhook-secret-{language}", full_page=False)

    give_consent(case, owner, organisation=other_ngo)
    send(case, owner, other_ngo)
    receiver.answers = [500]
    deliveries_send_due()
    page.goto(f"/webhooks/{endpoint.pk}/")
    assert page.locator("#new-secret").count() == 0
    row = page.locator("main table tbody tr").first
    assert "500" in row.inner_text()
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, f"phone-webhook-deliveries-{language}")
    row.locator("button[type=submit]").click()
    assert page.locator("main table tbody tr").count() == 1
