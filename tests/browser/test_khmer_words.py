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


def test_numbers_follow_one_rule(open_page, owner, password):
    """Khmer digits wherever a person reads a number in Khmer, money grouped; machine
    attributes keep Latin digits."""
    import datetime as dt

    from django.utils import timezone

    from followup.models import FollowUpVisit, VisitStatus
    from tests.browser.conftest import signed_in
    from tests.cases.factories import CaseFactory
    from tests.followup.factories import reintegrate

    for _ in range(2):
        CaseFactory(actor=owner)
    case = reintegrate(CaseFactory(actor=owner), owner)
    day = timezone.localdate() - dt.timedelta(days=30)
    FollowUpVisit.objects.create(
        case=case,
        scheduled_for=day,
        visited_on=day,
        status=VisitStatus.DONE,
        assigned_worker=owner,
        monthly_income_riel=350000,
        safety=3,
    )
    page = signed_in(open_page, owner, password, "km", viewport=PHONE)
    page.goto("/cases/")
    caseload = page.locator("#caseload").inner_text()
    assert "៣ ករណី" in caseload
    assert "ទំព័រ ១ នៃ ១" in caseload
    assert not re.search(r"[0-9]", caseload.replace("HTS-", "").split("\n", 1)[0])
    page.goto(f"/followup/cases/{case.pk}/history/")
    table = page.locator("table.cases").inner_text()
    assert "៣៥០,០០០ ៛" in table
    assert "350000" not in page.content().replace('value="350000"', "")

    english = signed_in(open_page, owner, password, "en")
    english.goto(f"/followup/cases/{case.pk}/history/")
    assert "350,000 ៛" in english.locator("table.cases").inner_text()
