"""A social worker on a 360 px phone, in Khmer: a compact header, the caseload on screen."""

import pytest

from tests.browser.conftest import LANGUAGES, PHONE, screenshot, signed_in
from tests.cases.factories import CaseFactory

HEADER_MOST = 80  # px: a brand line and one menu button, about a tenth of the screen


def header_height(page) -> float:
    return page.evaluate("document.querySelector('header.bar').getBoundingClientRect().height")


def cases_on_first_screen(page) -> int:
    return page.evaluate(
        """() => [...document.querySelectorAll('#caseload tbody tr')]
              .filter(r => r.getBoundingClientRect().top < window.innerHeight).length"""
    )


def split_menu_items(page) -> list[str]:
    """Menu entries whose words wrap onto two lines, so they read as two links."""
    return page.evaluate(
        """() => [...document.querySelectorAll('header nav a')].filter(a => {
              const range = document.createRange();
              range.selectNodeContents(a);
              const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
              return tops.size > 1;
            }).map(a => a.textContent.trim())"""
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_caseload_shows_cases_on_the_first_screen(
    open_page, owner, password, language, supervisor
):
    names = [
        ("Sok Dara", "សុខ ដារា"),
        ("Chan Sreyleak", "ចាន់ ស្រីល័ក្ខ"),
        ("Heng Sokha", "ហេង សុខា"),
        ("Meas Bopha", "មាស បុប្ផា"),
        ("Kim Sophea", "គឹម សុភា"),
        ("Ly Channary", "លី ចាន់ណារី"),
    ]
    for latin, khmer in names:
        CaseFactory(actor=owner, name_latin=latin, name_khmer=khmer)
    page = signed_in(open_page, supervisor, password, language, viewport=PHONE)
    page.goto("/cases/")
    height = header_height(page)
    shown = cases_on_first_screen(page)
    print(f"{language}: header {height:.0f} px, {shown} cases on the first screen")
    screenshot(page, f"phone-caseload-{language}", full_page=False)
    assert height <= HEADER_MOST
    assert shown >= 2

    # The filters wait behind one "Filter" control.
    filters = page.locator("form.filters")
    assert not filters.locator("#id_q").is_visible()
    page.locator("details.filter-toggle > summary").click()
    assert filters.locator("#id_q").is_visible()
    # The longest choice of a province, "No province in Cambodia", keeps its filter on screen.
    assert filters.locator("#id_province option[value=none]").count() == 1
    assert page.evaluate(
        "document.querySelector('#id_province').getBoundingClientRect().right <= window.innerWidth"
    )

    # The menu opens from one button and shows every entry whole, one per line.
    nav = page.locator("header nav")
    assert not nav.is_visible()
    page.locator("details.menu > summary").click()
    assert nav.is_visible()
    assert split_menu_items(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    # The case page on the same phone: the header stays small, nothing runs off the side.
    page.locator("details.menu > summary").click()
    page.locator("#caseload tbody tr a").first.click()
    page.wait_for_url("**/cases/*/")
    assert header_height(page) <= HEADER_MOST
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, f"phone-case-page-{language}", full_page=False)


def test_desktop_shows_the_menu_and_filters_open(open_page, owner, password):
    CaseFactory(actor=owner)
    page = signed_in(open_page, owner, password, "km")
    page.goto("/cases/")
    assert page.locator("header nav").is_visible()
    assert page.locator("form.filters #id_q").is_visible()
    assert split_menu_items(page) == []
