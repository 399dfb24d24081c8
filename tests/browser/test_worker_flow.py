"""A social worker's day in a real browser, in English on a laptop and in Khmer on a phone."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case, CounsellingSession, Phase
from organisations.models import Village
from tests.browser.conftest import choose_language, screenshot, sign_in

PHONE = {"width": 360, "height": 780}


def choose_place(page, village: Village) -> None:
    """The chained pickers: each choice loads the next level's options."""
    page.select_option("#id_origin_province", village.district.province_id)
    page.wait_for_selector(
        f"#id_origin_district option[value='{village.district_id}']", state="attached"
    )
    page.select_option("#id_origin_district", village.district_id)
    page.wait_for_selector(
        f"#id_origin_commune option[value='{village.commune_id}']", state="attached"
    )
    page.select_option("#id_origin_commune", village.commune_id)
    page.wait_for_selector(f"#id_origin_village option[value='{village.pk}']", state="attached")
    page.select_option("#id_origin_village", str(village.pk))


def register_survivor(page, *, name: str, name_khmer: str, shots: str) -> Case:
    today = timezone.localdate()
    page.goto("/cases/new/")
    page.check("#id_consent_given_by_1")  # a parent or guardian, for a child
    page.fill("#id_guardian_name", "Meas Sreymom")
    page.fill("#id_guardian_relationship", "mother")
    page.select_option("#id_child_assent", "true")
    page.fill("#id_name_latin", name)
    page.fill("#id_name_khmer", name_khmer)
    page.select_option("#id_sex", "female")
    page.fill("#id_date_of_birth", (today - dt.timedelta(days=365 * 15)).isoformat())
    village = Village.objects.filter(commune__isnull=False, district__province_id="17").first()
    choose_place(page, village)
    page.check("input[name=exploitations][value=domestic_servitude]")
    page.select_option("#id_movement", "cross_border")
    page.select_option("#id_destination_country", "TH")
    page.select_option("#id_how_identified", "cross_border_return")
    page.select_option("#id_risk_level", "high")
    screenshot(page, f"{shots}-intake")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/cases/*/")
    return Case.objects.get(name_latin=name)


def log_session_and_move(page, case: Case, shots: str) -> None:
    page.goto(f"/cases/{case.pk}/sessions/new/")
    page.select_option("#id_kind", "individual")
    page.select_option("#id_setting", "shelter")
    page.fill("#id_duration_minutes", "50")
    page.fill("#id_topics", "sleep, family, return")
    screenshot(page, f"{shots}-session")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    for phase in (Phase.INTAKE, Phase.REINTEGRATION_PLANNING):
        page.select_option("#id_to_phase", phase)
        page.locator("form[action$='/phase/'] button[type=submit]").click()
        page.wait_for_url(f"**/cases/{case.pk}/")


def khmer_font_loaded(page) -> bool:
    return page.evaluate(
        """async () => {
            await document.fonts.ready;
            return [...document.fonts].some(
                f => f.family.replace(/["']/g, '') === 'Noto Sans Khmer' && f.status === 'loaded');
        }"""
    )


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize(
    ("language", "viewport"), [("en", None), ("km", PHONE)], ids=["english-laptop", "khmer-phone"]
)
def test_worker_registers_counsels_and_plans_reintegration(
    open_page, console, owner, outsider, password, language, viewport
):
    shots = f"{language}"
    page = open_page(viewport=viewport)
    sign_in(page, owner.username, password)
    choose_language(page, language)

    case = register_survivor(page, name="Chan Sreyleak", name_khmer="ចាន់ ស្រីល័ក្ខ", shots=shots)
    assert case.consents.get().given_by == "guardian"
    assert case.minor_at_intake and case.assigned_worker == owner

    log_session_and_move(page, case, shots)
    case.refresh_from_db()
    assert case.phase == Phase.REINTEGRATION_PLANNING
    assert CounsellingSession.objects.filter(case=case, duration_minutes=50).exists()
    assert page.get_by_text("ចាន់ ស្រីល័ក្ខ").first.is_visible()
    screenshot(page, f"{shots}-case-page")

    page.goto("/cases/")
    assert page.get_by_role("link", name=case.case_number).is_visible()
    screenshot(page, f"{shots}-caseload")
    if language == "km":
        assert khmer_font_loaded(page), "the Khmer web font did not load: glyphs would be boxes"
        assert "ករណី" in page.content()  # the interface itself is in Khmer
    if viewport == PHONE:
        assert fits_the_screen(page)

    stranger = open_page(viewport=viewport)
    sign_in(stranger, outsider.username, password)
    console.expect("status of 404")
    assert stranger.goto(f"/cases/{case.pk}/").status == 404
    assert "Chan Sreyleak" not in stranger.content()
