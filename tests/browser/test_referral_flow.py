"""NGO A refers a case to NGO B; B accepts and sees what was shared and nothing else; A
completes reintegration and sees the follow-up schedule."""

import pytest
from django.utils import timezone

from cases.models import Phase
from cases.services import consent_record
from followup.models import FollowUpVisit
from organisations.models import Role
from referrals.models import Referral
from tests.browser.conftest import screenshot, sign_in
from tests.cases.factories import CaseFactory, log_session
from tests.organisations.factories import UserFactory
from tests.plans.factories import approved_plan


@pytest.fixture
def receiver(other_ngo):
    return UserFactory(username="receiver", organisation=other_ngo, role=Role.SOCIAL_WORKER)


def test_refer_accept_and_reintegrate(open_page, owner, receiver, other_ngo, password):
    case = CaseFactory(
        actor=owner,
        name_latin="Prak Channary",
        hiv_status="positive",
        health_notes="Needs ART refills monthly.",
    )
    log_session(actor=owner, case=case, confidential_notes="Afraid of the recruiter's family.")
    consent_record(
        actor=owner,
        case=case,
        given_by="survivor",
        purpose="sharing",
        given_on=timezone.localdate(),
        shared_with_organisation=other_ngo,
        covers_identity=True,
        covers_case_facts=True,
    )

    sender = open_page()
    sign_in(sender, owner.username, password)
    sender.goto(f"/cases/{case.pk}/")
    sender.get_by_role("link", name="Refer this case").click()
    sender.select_option("#id_to_organisation", str(other_ngo.pk))
    sender.select_option("#id_service", "vocational_training")
    sender.fill("#id_reason", "Wants sewing training near home.")
    sender.check("#id_shares_identity")
    sender.check("#id_shares_case_facts")
    screenshot(sender, "referral-send")
    sender.locator("main form button[type=submit]").click()
    sender.wait_for_load_state()
    referral = Referral.objects.get(case=case)
    assert referral.status == "sent" and referral.to_organisation == other_ngo

    other = open_page(viewport={"width": 360, "height": 780})
    sign_in(other, receiver.username, password)
    other.goto("/referrals/inbox/")
    screenshot(other, "referral-inbox")
    other.get_by_role("link", name=case.case_number).first.click()
    other.get_by_role("button", name="Accept the referral").click()
    other.wait_for_load_state()
    referral.refresh_from_db()
    assert referral.status == "accepted"

    other.goto(f"/cases/{case.pk}/")
    page = other.content()
    assert "Prak Channary" in page  # identity was shared
    assert "Forced labour" in page  # so were the case facts
    assert "Positive" not in page and "ART refills" not in page  # health was not
    assert "recruiter" not in page  # nor the counselling notes
    screenshot(other, "referral-received-case")

    approved_plan(case, case.assigned_worker or case.created_by)
    sender.goto(f"/cases/{case.pk}/")
    for phase in (Phase.INTAKE, Phase.REINTEGRATION_PLANNING, Phase.REINTEGRATED):
        sender.select_option("#id_to_phase", phase)
        sender.locator("form[action$='/phase/'] button[type=submit]").click()
        sender.wait_for_url(f"**/cases/{case.pk}/")
    visits = FollowUpVisit.objects.filter(case=case).order_by("scheduled_for")
    assert [v.plan_month for v in visits] == [1, 3, 6, 12, 24]
    schedule = sender.locator("section", has_text="Community follow-up")
    for visit in visits[:3]:
        assert (
            schedule.get_by_role("link", name=visit.scheduled_for.strftime("%-d %b %Y")).count()
            == 1
        )
    screenshot(sender, "reintegrated-with-schedule")
