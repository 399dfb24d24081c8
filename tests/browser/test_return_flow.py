"""A cross-border return on a phone, in Khmer: an Indonesian survivor of a scam compound in
Preah Sihanouk goes home, the travel document applied for and issued, the receiving agency
accepting, the journey and the handover recorded (closing the case as returned is an approved
closure request: tests/returns/test_return_rules.py)."""

import datetime as dt

from django.utils import timezone

from returns.models import CrossBorderReturn
from tests.browser.conftest import PHONE, screenshot, signed_in
from tests.cases.factories import CaseFactory

START = "ចាប់ផ្តើមការវិលត្រឡប់ឆ្លងដែន"  # Start a cross-border return
SAVE = "រក្សាទុក"
RECORD = "កត់ត្រា"


def day(days_ago: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat()


def record_step(page, case, step: str, days_ago: int, **fields) -> None:
    page.goto(f"/returns/cases/{case.pk}/steps/{step}/")
    page.fill("#id_done_on", day(days_ago))
    for name, value in fields.items():
        if page.locator(f"select#id_{name}").count():
            page.select_option(f"#id_{name}", value)
        else:
            page.fill(f"#id_{name}", value)
    page.get_by_role("button", name=SAVE).click()
    page.wait_for_url(f"**/cases/{case.pk}/#return")


def test_an_indonesian_survivor_goes_home(open_page, owner, password):
    case = CaseFactory(actor=owner, name_latin="Siti Rahayu", exploitation_form="other")
    page = signed_in(open_page, owner, password, "km", viewport=PHONE)
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name=START).click()
    page.select_option("#id_direction", "out_of_cambodia")
    page.select_option("#id_country", "ID")
    page.fill("#id_identified_on", day(40))
    page.fill("#id_receiving_agency", "IOM Jakarta")
    page.get_by_role("button", name=SAVE).click()
    page.wait_for_url(f"**/cases/{case.pk}/#return")

    record_step(page, case, "nationality_verified", 35, note="Embassy interview")
    record_step(page, case, "document_applied", 30, document_authority="embassy")
    record_step(page, case, "document_issued", 20)
    record_step(page, case, "agency_accepted", 15)
    record_step(page, case, "travelled", 10, route="phnom_penh_airport")
    record_step(
        page, case, "handed_over", 10, received_by="Ibu Sari, IOM", handover_place="Jakarta"
    )

    section = page.locator("#return")
    text = section.inner_text()
    assert "ឥណ្ឌូណេស៊ី" in text  # Indonesia
    assert "អាកាសយានដ្ឋានភ្នំពេញ" in text  # Phnom Penh airport
    assert "IOM Jakarta" in text
    # The section fits the phone: nothing wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    section.scroll_into_view_if_needed()
    screenshot(page, "return-km-phone")
    ret = CrossBorderReturn.objects.get(case=case)
    assert (ret.document_authority, ret.route, ret.received_by) == (
        "embassy",
        "phnom_penh_airport",
        "Ibu Sari, IOM",
    )
    assert ret.steps.count() == 7
