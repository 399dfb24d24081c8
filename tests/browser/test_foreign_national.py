"""A survivor of another nationality, freed from a scam compound in Preah Sihanouk, registered
in Khmer on a phone: no Khmer name, an interpreter needed, two forms of exploitation."""

import datetime as dt

from django.utils import timezone

from cases.models import Case
from organisations.models import Village
from tests.browser.conftest import choose_language, screenshot, sign_in
from tests.browser.test_worker_flow import PHONE, choose_place, fits_the_screen


def test_an_indonesian_citizen_from_a_scam_compound_is_registered_in_khmer(
    open_page, owner, password
):
    today = timezone.localdate()
    page = open_page(viewport=PHONE)
    sign_in(page, owner.username, password)
    choose_language(page, "km")
    page.goto("/cases/new/")
    page.check("#id_consent_given_by_0")  # the survivor, an adult
    page.fill("#id_name_latin", "Siti Rahayu")
    page.select_option("#id_nationality", "ID")
    page.check("input[name=languages][value=id]")
    page.check("#id_interpreter_needed")
    page.select_option("#id_sex", "female")
    page.fill("#id_date_of_birth", (today - dt.timedelta(days=365 * 26)).isoformat())
    # Where the survivor is placed in Cambodia for now: the compound's province.
    choose_place(
        page, Village.objects.filter(commune__isnull=False, district__province_id="18").first()
    )
    page.check("input[name=exploitations][value=forced_criminality]")
    page.check("input[name=exploitations][value=forced_labour]")
    page.select_option("#id_exploitation_country", "KH")
    page.select_option("#id_exploitation_province", "18")
    page.fill("#id_exploitation_from", (today - dt.timedelta(days=240)).isoformat())
    page.select_option("#id_movement", "cross_border")
    page.select_option("#id_destination_country", "KH")
    page.select_option("#id_how_identified", "police_raid")
    screenshot(page, "km-foreign-national-intake")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/cases/*/")

    case = Case.objects.get(name_latin="Siti Rahayu")
    assert case.nationality == "ID" and case.interpreter_needed and case.name_khmer == ""
    assert sorted(case.exploitations.values_list("form", flat=True)) == [
        "forced_criminality",
        "forced_labour",
    ]
    content = page.content()
    assert "ឥណ្ឌូណេស៊ី" in content  # Indonesia, in Khmer
    assert "ត្រូវការអ្នកបកប្រែ" in content  # needs an interpreter
    assert "ការបង្ខំឱ្យប្រព្រឹត្តបទល្មើស" in content  # forced criminality
    screenshot(page, "km-foreign-national-case")
    assert fits_the_screen(page)
