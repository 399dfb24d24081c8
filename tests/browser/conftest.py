"""What browser tests share: screenshots for people to look at, and signing in.

The browser fixtures themselves (chromium, open_page, console) are in tests/conftest.py."""

from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def sign_in(page, username: str, password: str) -> None:
    """Sign in from the login page, in whichever language it is shown."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()


PHONE = {"width": 360, "height": 740}
LANGUAGES = ["en", "km"]


def open_menu(page) -> None:
    """On a phone the menu waits behind one button."""
    summary = page.locator("details.menu > summary")
    if summary.is_visible() and page.locator("details.menu[open]").count() == 0:
        summary.click()


def choose_language(page, language: str) -> None:
    """Switch the interface language the way a person does, with the picker in the header."""
    if page.locator("html").get_attribute("lang") == language:
        return
    open_menu(page)
    page.select_option("#language", language)
    page.locator("form[action$='/i18n/setlang/'] button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language


def signed_in(open_page, user, password, language: str = "en", viewport=None):
    page = open_page(viewport=viewport)
    sign_in(page, user.username, password)
    choose_language(page, language)
    return page
