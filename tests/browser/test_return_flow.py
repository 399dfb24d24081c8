"""Cross-border returns in a real browser, in Khmer on a 360 px phone. Here a Cambodian returned
from Thailand through the Poipet border crossing: the return recorded up to the handover, a court
hearing scheduled, the signed consent form attached, and the case goes on into reintegration.
(A return out of Cambodia, ending in an approved closure: test_foreign_national.py.)

The reintegration plan is approved in the arrange step, through the services: writing and
approving it in the browser is test_plan_flow.py's journey."""

import datetime as dt

from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from cases.models import Phase
from cases.services import case_change_phase, consent_record
from documents.models import Document
from legal.models import Hearing, LegalProceeding
from plans.services import action_add, approval_approve, goal_add, plan_start, plan_submit
from returns.models import CrossBorderReturn
from tests.browser.conftest import PHONE, choose_language, screenshot, sign_in
from tests.browser.test_worker_flow import fits_the_screen
from tests.cases.factories import CaseFactory


def in_khmer(msgid: str) -> str:
    """What the catalogue says in Khmer: a label the test looks for as the user sees it."""
    with translation.override("km"):
        said = gettext(msgid)
    assert said != msgid, f"no Khmer for {msgid!r}"
    return said


START = in_khmer("Start a cross-border return")
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


def ret_day(days_ago: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days_ago)


def day(days_ago: int) -> str:
    return ret_day(days_ago).isoformat()


def on_the_phone(page, name: str) -> None:
    screenshot(page, name)
    assert fits_the_screen(page), f"{name} is wider than 360 px"


def save(page, url_after: str) -> None:
    page.locator("main form.stack button[type=submit]").last.click()
    page.wait_for_url(url_after)


def record_step(page, case, step: str, days_ago: int, **fields) -> None:
    page.goto(f"/returns/cases/{case.pk}/steps/{step}/")
    page.fill("#id_done_on", day(days_ago))
    for name, value in fields.items():
        if page.locator(f"select#id_{name}").count():
            page.select_option(f"#id_{name}", value)
        else:
            page.fill(f"#id_{name}", value)
    page.get_by_role("button", name=in_khmer("Save")).click()
    page.wait_for_url(f"**/cases/{case.pk}/#return")


def approved_plan(case, owner, supervisor):
    plan = plan_start(actor=owner, case=case)
    goal = goal_add(actor=owner, plan=plan, domain="family", description="Live with her mother")
    action_add(
        actor=owner,
        goal=goal,
        what="Family visit in Poipet",
        provider_kind="own",
        target_date=timezone.localdate() + dt.timedelta(days=30),
    )
    approval_approve(actor=supervisor, approval=plan_submit(actor=owner, plan=plan))


def test_a_cambodian_home_from_thailand_through_poipet_goes_on_into_reintegration(
    open_page, owner, supervisor, password, document_dir
):
    case = CaseFactory(actor=owner, name_latin="Sok Dara", name_khmer="សុខ ដារា")
    if case.phase == Phase.IDENTIFICATION:
        case = case_change_phase(actor=owner, case=case, to_phase=Phase.INTAKE)
    # She agreed to receive services on the day she came home; the paper she signed follows.
    consent = consent_record(
        actor=owner, case=case, given_by="survivor", purpose="services", given_on=ret_day(10),
        covers_identity=True, covers_case_facts=True,
    )  # fmt: skip
    approved_plan(case, owner, supervisor)
    page = open_page(viewport=PHONE)
    sign_in(page, owner.username, password)
    choose_language(page, "km")

    # The return into Cambodia, up to the handover at the border.
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name=START).click()
    page.select_option("#id_direction", "into_cambodia")
    page.select_option("#id_country", "TH")
    page.fill("#id_identified_on", day(30))
    page.fill("#id_receiving_agency", "Banteay Meanchey DoSVY")
    page.get_by_role("button", name=in_khmer("Save")).click()
    page.wait_for_url(f"**/cases/{case.pk}/#return")
    record_step(page, case, "document_issued", 20, document_authority="embassy")
    record_step(page, case, "agency_accepted", 15)
    record_step(page, case, "travelled", 10, route="poipet")
    record_step(
        page, case, "handed_over", 10, received_by="Chea Sokha, DoSVY", handover_place="Poipet"
    )
    text = page.locator("#return").inner_text()
    assert in_khmer("Thailand") in text
    assert in_khmer("Poipet border crossing (Thailand)") in text
    assert in_khmer("Home in Cambodia: the case goes on into reintegration planning.") in text
    on_the_phone(page, "return-poipet-km-phone")
    ret = CrossBorderReturn.objects.get(case=case)
    assert (ret.direction, ret.country, ret.route) == ("into_cambodia", "TH", "poipet")

    # A trial against the recruiter, and its first hearing in two weeks.
    page.goto(f"/legal/cases/{case.pk}/proceedings/new/")
    page.select_option("#id_kind", "trial")
    page.fill("#id_court", "Banteay Meanchey Provincial Court")
    page.select_option("#id_survivor_role", "complainant")
    page.fill("#id_charges", "Cross-border trafficking for labour exploitation")
    on_the_phone(page, "legal-proceeding-km-phone")
    save(page, f"**/cases/{case.pk}/**")
    proceeding = LegalProceeding.objects.get(case=case)
    hearing_day = timezone.localdate() + dt.timedelta(days=14)
    page.goto(f"/legal/cases/{case.pk}/proceedings/{proceeding.pk}/hearings/new/")
    page.fill("#id_date", hearing_day.isoformat())
    page.fill("#id_time", "09:30")
    page.fill("#id_accompanied_by", "Social worker")
    page.select_option("#id_testimony_arrangement", "screen")
    save(page, f"**/cases/{case.pk}/**")
    hearing = Hearing.objects.get(proceeding=proceeding)
    assert (hearing.date, hearing.court) == (hearing_day, "Banteay Meanchey Provincial Court")
    page.goto(f"/cases/{case.pk}/")
    legal = page.locator("#legal").inner_text()
    assert in_khmer("Legal proceedings (restricted)") in legal
    assert "Banteay Meanchey Provincial Court" in legal

    # The signed consent form, scanned, attached to her consent.
    page.locator(f"a[href$='/documents/cases/{case.pk}/consents/{consent.pk}/']").click()
    assert page.locator("#id_category").input_value() == "consent_form"
    page.set_input_files(
        "#id_file", {"name": "signed-consent.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    on_the_phone(page, "consent-form-km-phone")
    page.get_by_role("button", name=in_khmer("Upload")).click()
    page.wait_for_load_state()
    expect(page.locator("ul.documents").get_by_text("signed-consent.pdf")).to_be_visible()
    assert in_khmer("Consent form") in page.locator("ul.documents").inner_text()
    document = Document.objects.get(case=case)
    assert (document.consent, document.category) == (consent, "consent_form")

    # Home, with an approved plan: the case goes on into reintegration.
    page.goto(f"/cases/{case.pk}/")
    for phase in (Phase.REINTEGRATION_PLANNING, Phase.REINTEGRATED):
        page.select_option("#id_to_phase", phase)
        page.locator("form[action$='/phase/'] button[type=submit]").click()
        page.wait_for_url(f"**/cases/{case.pk}/")
    assert in_khmer("Reintegrated, in follow-up") in page.locator("p.phase").inner_text()
    assert in_khmer("Documents") in page.locator("#documents").inner_text()
    case.refresh_from_db()
    assert case.phase == Phase.REINTEGRATED
    on_the_phone(page, "case-reintegrated-after-return-km-phone")
