"""Headless Debian chromium driven by Playwright against Django's live server.

The machines have no internet, so chromium runs with background networking, component
updates and sync off. Screenshots go to test-artifacts/ for people to look at."""

import os
import shutil
from pathlib import Path

import pytest

from organisations.models import Province
from organisations.services import places_load
from tests.conftest import need_service

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    executable = shutil.which("chromium")
    need_service(executable is not None, "Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def places(transactional_db):
    """Transactional tests empty every table afterwards, the migration's places included."""
    if not Province.objects.exists():
        places_load()


class Console:
    """Collects the browser console's errors; a test that expects one says so."""

    def __init__(self):
        self.errors: list[str] = []
        self.expected: list[str] = []

    def expect(self, fragment: str) -> None:
        self.expected.append(fragment)

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(f in e for f in self.expected)]

    def listen(self, page):
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))


@pytest.fixture
def console():
    return Console()


@pytest.fixture
def open_page(chromium, live_server, places, console):
    """Open pages in fresh, isolated browser contexts; console errors fail the test."""
    contexts = []

    def new_page(*, viewport=None, locale="en-GB"):
        context = chromium.new_context(
            base_url=live_server.url,
            viewport=viewport or {"width": 1280, "height": 900},
            locale=locale,
        )
        contexts.append(context)
        page = context.new_page()
        console.listen(page)
        return page

    yield new_page
    for context in contexts:
        context.close()
    assert console.unexpected() == []


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
