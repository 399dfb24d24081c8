"""The Primero connection page and an incoming referral on a phone, in Khmer: nothing wider
than the screen, Primero's long reasons included, and no console error (strict CSP)."""

import pytest

from primero import sync
from primero.models import InboundReferral
from tests.browser.conftest import PHONE, screenshot, signed_in
from tests.primero.conftest import RECIPIENT
from tests.primero.double import PrimeroDouble
from tests.referrals.helpers import give_consent, send


@pytest.fixture
def primero():
    double = PrimeroDouble().start()
    yield double
    double.stop()


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_connection_page_and_an_incoming_referral_fit_a_phone(
    open_page, primero, org_admin, owner, case, password
):
    from organisations.models import OrganisationKind
    from primero.services import connection_save
    from tests.organisations.factories import OrganisationFactory

    dosvy = OrganisationFactory(kind=OrganisationKind.PROVINCIAL_DEPARTMENT)
    connection_save(
        organisation=org_admin.membership.organisation,
        base_url=primero.url,
        username="homecoming",
        password="s3cret-pass",
        recipient=RECIPIENT,
        routes={dosvy: "dosvy.siemreap"},
    )
    give_consent(case, owner, organisation=dosvy)  # no consent for services: refused
    send(case, owner, dosvy)
    primero.refer(primero.add_case(name="Chan Dara", sex="female"), to=RECIPIENT)
    sync.sync_cycle()

    page = signed_in(open_page, org_admin, password, "km", viewport=PHONE)
    page.goto("/primero/")
    assert "transition.errors.consent" in page.locator("main").inner_text()
    assert page_width(page) <= PHONE["width"]
    screenshot(page, "primero-connection-km")

    worker = signed_in(open_page, owner, password, "km", viewport=PHONE)
    worker.goto(f"/primero/referrals/{InboundReferral.objects.get().pk}/")
    assert "Chan Dara" in worker.locator("main").inner_text()
    assert page_width(worker) <= PHONE["width"]
