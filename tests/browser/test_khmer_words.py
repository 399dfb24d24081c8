"""In Khmer, what a person reads is Khmer: the login error, labels and Django's own messages."""

import re

from tests.browser.conftest import PHONE, choose_language

LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


def test_the_khmer_login_error_is_all_khmer(open_page, owner):
    page = open_page(viewport=PHONE)
    page.goto("/accounts/login/")
    choose_language(page, "km")
    assert page.locator("label[for=id_username]").inner_text().startswith("ឈ្មោះអ្នកប្រើ")
    assert page.locator("label[for=id_password]").inner_text().startswith("ពាក្យសម្ងាត់")
    page.fill("#id_username", owner.username)
    page.fill("#id_password", "not the password")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    error = page.locator("main .errorlist").first.inner_text()
    assert "ឈ្មោះអ្នកប្រើ" in error and "ពាក្យសម្ងាត់" in error
    assert LATIN_WORD.findall(error) == []
