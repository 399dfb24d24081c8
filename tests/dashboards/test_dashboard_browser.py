"""A ministry officer opens the dashboard in a real browser, in English and in Khmer, and cannot
open a case page."""

from tests.browser.conftest import choose_language, screenshot, sign_in
from tests.cases.factories import CaseFactory


def test_officer_dashboard_renders_charts_in_both_languages(
    open_page, console, officer, owner, password
):
    case = CaseFactory(actor=owner, name_latin="Heng Sokha")
    for _ in range(6):
        CaseFactory(actor=owner)
    page = open_page(viewport={"width": 360, "height": 740})
    sign_in(page, officer.username, password)

    page.goto("/dashboards/")
    assert page.get_by_role("heading", name="Caseload dashboard").is_visible()
    assert page.locator("svg.bar-chart").count() >= 1
    assert page.locator("svg.tile-map g.tile").count() == 25
    assert page.locator('svg.tile-map g.tile[data-province="14"]').count() == 1
    assert "Heng Sokha" not in page.content()
    screenshot(page, "dashboard-en")

    choose_language(page, "km")
    assert page.locator("svg.bar-chart").count() >= 1
    assert page.locator("svg.tile-map text.tile-name", has_text="ព្រៃវែង").count() == 1
    screenshot(page, "dashboard-km")

    console.expect("status of 404")
    response = page.goto(f"/cases/{case.pk}/")
    assert response.status == 404
    assert "Heng Sokha" not in page.content()
