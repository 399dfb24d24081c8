"""The follow-up history chart: its numbers are never localised, and nothing breaks the CSP."""

import datetime as dt

import pytest
from django.utils import timezone

from followup.models import FollowUpVisit, VisitStatus
from tests.browser.conftest import LANGUAGES, PHONE, signed_in
from tests.cases.factories import CaseFactory
from tests.followup.factories import reintegrate


@pytest.mark.parametrize("language", LANGUAGES)
def test_chart_points_land_inside_the_chart(open_page, console, owner, password, language):
    case = reintegrate(CaseFactory(actor=owner), owner)
    today = timezone.localdate()
    for months, income in ((6, 120000), (3, 350000), (1, 275500)):
        day = today - dt.timedelta(days=30 * months)
        FollowUpVisit.objects.create(
            case=case,
            scheduled_for=day,
            visited_on=day,
            status=VisitStatus.DONE,
            assigned_worker=owner,
            monthly_income_riel=income,
            safety=4,
            health=3,
            family_acceptance=4,
            community_acceptance=2,
        )
    page = signed_in(open_page, owner, password, language, viewport=PHONE)
    page.goto(f"/followup/cases/{case.pk}/history/")
    width = float(page.locator("figure svg").get_attribute("viewBox").split()[2])
    xs = page.eval_on_selector_all("figure svg circle", "cs => cs.map(c => c.getAttribute('cx'))")
    assert len(xs) == 6
    for x in xs:
        assert 0 < float(x) < width  # a decimal comma ("160,0") would not parse
    # The CSP blocks inline style: the page has none, so the console stays clean (the
    # open_page fixture fails the test on any console error).
    assert page.locator("[style]").count() == 0
    assert console.unexpected() == []
