"""Small rough edges a field worker on a phone would stumble on."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.services import case_assign
from followup.models import Notification
from tests.browser.conftest import LANGUAGES, PHONE, signed_in
from tests.cases.factories import CaseFactory
from tests.followup.factories import planned_visit, reintegrate
from tests.referrals.helpers import give_consent, send


def unlabelled_cells(page) -> list[str]:
    return page.eval_on_selector_all(
        "table.cases tbody td:not([colspan])",
        "cells => cells.filter(c => !c.dataset.label).map(c => c.textContent.trim())",
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_tables_keep_their_column_labels(open_page, owner, supervisor, password, language):
    case = reintegrate(CaseFactory(actor=owner), owner)
    page = signed_in(open_page, supervisor, password, language, viewport=PHONE)
    for path in (
        "/cases/",
        "/cases/team/",
        f"/followup/cases/{case.pk}/history/",
        "/followup/overdue/",
    ):
        page.goto(path)
        assert page.locator("table.cases tbody td").count() > 0, path
        assert unlabelled_cells(page) == [], path
    page.goto("/cases/team/")
    first = page.locator("table.cases tbody td").nth(1)
    label = page.evaluate("c => getComputedStyle(c, '::before').content", first.element_handle())
    assert label not in ("none", "normal", '""')


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_empty_resource_group_says_how_to_add_one(open_page, owner, password, language):
    case = reintegrate(CaseFactory(actor=owner), owner)
    visit = planned_visit(case, on=timezone.localdate(), with_reminders=False)
    page = signed_in(open_page, owner, password, language, viewport=PHONE)
    page.goto(f"/followup/visits/{visit.pk}/")
    link = page.locator("main form a[href$='/followup/resources/new/']")
    assert link.is_visible()


@pytest.mark.parametrize("language", LANGUAGES)
def test_consent_for_a_minor_starts_with_the_guardian_and_shares_elsewhere(
    open_page, owner, ngo, other_ngo, password, language
):
    child = CaseFactory(
        actor=owner, date_of_birth=timezone.localdate() - dt.timedelta(days=365 * 14)
    )
    page = signed_in(open_page, owner, password, language, viewport=PHONE)
    page.goto(f"/cases/{child.pk}/consents/new/")
    assert page.locator("#id_given_by input[value=guardian]").is_checked()
    offered = page.eval_on_selector_all(
        "#id_shared_with_organisation option", "os => os.map(o => o.value)"
    )
    assert str(other_ngo.pk) in offered
    assert str(ngo.pk) not in offered


@pytest.mark.parametrize("language", LANGUAGES)
def test_timeline_reads_well_and_the_new_worker_is_told(
    open_page, owner, colleague, supervisor, other_ngo, password, language
):
    case = CaseFactory(actor=owner)
    give_consent(case, owner, organisation=other_ngo)
    send(case, owner, other_ngo, service="hiv_care")
    case_assign(actor=supervisor, case=case, worker=colleague)
    page = signed_in(open_page, supervisor, password, language, viewport=PHONE)
    page.goto(f"/cases/{case.pk}/")
    timeline = page.locator("ol.timeline").inner_text()
    if language == "en":
        assert f"from {owner.get_full_name()} to {colleague.get_full_name()}" in timeline
        assert "for HIV care and treatment" in timeline
    else:
        assert f"ពី {owner.get_full_name()} ទៅ {colleague.get_full_name()}" in timeline
    notice = Notification.objects.get(recipient=colleague)
    assert case.case_number in notice.text

    told = signed_in(open_page, colleague, password, language, viewport=PHONE)
    told.goto("/followup/notifications/")
    assert told.get_by_text(case.case_number).first.is_visible()
