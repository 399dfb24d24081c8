"""A worker signs in and finds their case in a real browser; an outsider cannot open it."""

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.cases.factories import CaseFactory


def test_worker_sees_their_case_and_an_outsider_gets_not_found(
    open_page, console, owner, outsider, password
):
    case = CaseFactory(actor=owner, name_latin="Heng Sokha", name_khmer="ហេង សុខា")
    page = open_page()
    sign_in(page, owner.username, password)
    page.goto("/cases/")
    page.get_by_role("link", name=case.case_number).click()
    expect(page.get_by_role("heading", name=f"{case.case_number} · Heng Sokha")).to_be_visible()
    screenshot(page, "case-page")

    stranger = open_page(viewport={"width": 360, "height": 740})
    sign_in(stranger, outsider.username, password)
    console.expect("status of 404")
    response = stranger.goto(f"/cases/{case.pk}/")
    assert response.status == 404
    assert "Heng Sokha" not in stranger.content()
