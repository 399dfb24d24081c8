"""On a shared office computer, the browser's history and the addresses it requested never
hold a survivor's name typed into the caseload search."""

from urllib.parse import unquote

from tests.browser.conftest import sign_in
from tests.cases.factories import CaseFactory

NAME = "Sreyneang"
HISTORY_SPY = """
for (const name of ["pushState", "replaceState"]) {
  const original = history[name].bind(history);
  history[name] = (state, title, url) => {
    const seen = JSON.parse(sessionStorage.getItem("pushed") || "[]");
    seen.push(String(new URL(url ?? location.href, location.href)));
    sessionStorage.setItem("pushed", JSON.stringify(seen));
    return original(state, title, url);
  };
}
"""


def test_searching_by_name_leaves_no_name_in_any_address_or_the_history(open_page, owner, password):
    CaseFactory(actor=owner, name_latin="Sok Sreyneang", name_khmer="សុខ ស្រីនាង", risk_level="high")
    CaseFactory(actor=owner, name_latin="Chan Dara")
    page = open_page()
    requested, navigated = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("framenavigated", lambda frame: navigated.append(frame.url))
    # Every address put into the history by script (htmx's hx-push-url / HX-Push-Url).
    page.add_init_script(HISTORY_SPY)
    sign_in(page, owner.username, password)
    page.goto("/cases/")

    page.locator("#id_q").press_sequentially(NAME)  # htmx searches as one types
    page.wait_for_function("() => location.search.includes('search=')")
    page.wait_for_function(
        "() => !document.querySelector('#caseload').textContent.includes('Chan Dara')"
    )
    assert page.locator("#caseload").get_by_text("Sok Sreyneang").is_visible()
    assert not page.locator("#caseload").get_by_text("Chan Dara").is_visible()

    page.fill("#id_q", "សុខ")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_function(
        "() => !document.querySelector('#caseload').textContent.includes('Chan Dara')"
    )
    page.select_option("#id_risk", "high")
    page.wait_for_url("**risk=high*")

    page.reload()  # what the address bar holds still finds the same cases
    assert page.locator("#caseload").get_by_text("Sok Sreyneang").is_visible()

    pushed = page.evaluate("JSON.parse(sessionStorage.getItem('pushed') || '[]')")
    assert sum("search=" in url for url in pushed) >= 2  # the searches made history entries
    addresses = [unquote(url) for url in pushed + navigated + requested]
    assert not [a for a in addresses if NAME in a or "សុខ" in a or "q=" in a]
