"""A shelter's supervisor transfers a case to a community NGO in Battambang, in Khmer on a
phone; the NGO's supervisor accepts and names the worker; the case is theirs, and the shelter
reads it without its health facts."""

import pytest

from cases.models import Case
from organisations.models import Role
from tests.browser.conftest import PHONE, screenshot, signed_in
from tests.cases.factories import CaseFactory
from tests.organisations.factories import UserFactory
from tests.referrals.helpers import give_consent
from transfers.models import Transfer

FITS = "document.documentElement.scrollWidth <= window.innerWidth + 1"


@pytest.fixture
def new_lead(other_ngo):
    return UserFactory(username="newlead", organisation=other_ngo, role=Role.SUPERVISOR)


@pytest.fixture
def new_worker(other_ngo):
    return UserFactory(username="newworker", organisation=other_ngo, role=Role.SOCIAL_WORKER)


def test_transfer_and_accept_in_khmer_on_a_phone(
    open_page, owner, supervisor, other_ngo, new_lead, new_worker, password
):
    case = CaseFactory(actor=owner, name_latin="Prak Channary", hiv_status="positive")
    give_consent(case, owner, organisation=other_ngo, health=True)

    sender = signed_in(open_page, supervisor, password, "km", viewport=PHONE)
    sender.goto(f"/cases/{case.pk}/")
    sender.locator(f"a[href='/transfers/new/{case.pk}/']").click()
    sender.select_option("#id_to_organisation", str(other_ngo.pk))
    sender.fill("#id_reason", "ជនរងគ្រោះបានផ្លាស់ទៅបាត់ដំបងជាមួយមីងរបស់នាង។")
    assert sender.evaluate(FITS)
    screenshot(sender, "transfer-request-km", full_page=False)
    sender.locator("main form button[type=submit]").click()
    sender.wait_for_url("**/transfers/*/")
    transfer = Transfer.objects.get(case=case)

    receiver = signed_in(open_page, new_lead, password, "km", viewport=PHONE)
    receiver.goto("/transfers/")
    receiver.get_by_role("link", name=case.case_number).click()
    receiver.wait_for_url(f"**/transfers/{transfer.pk}/")
    assert "បាត់ដំបង" in receiver.content()
    receiver.select_option("#id_assigned_worker", str(new_worker.pk))
    assert receiver.evaluate(FITS)
    screenshot(receiver, "transfer-accept-km", full_page=False)
    receiver.locator(f"form[action='/transfers/{transfer.pk}/accept/'] button").click()
    receiver.wait_for_url(f"**/transfers/{transfer.pk}/")
    case = Case.objects.get(pk=case.pk)
    assert (case.organisation, case.assigned_worker) == (other_ngo, new_worker)

    receiver.goto(f"/cases/{case.pk}/")
    assert "Prak Channary" in receiver.content()
    assert receiver.evaluate(FITS)

    sender.goto(f"/cases/{case.pk}/")
    page = sender.content()
    assert "Prak Channary" in page  # identity, during the grace period
    assert f"/transfers/new/{case.pk}/" not in page  # no longer theirs to transfer
    screenshot(sender, "transferred-case-sender-km", full_page=False)
