"""Registering and editing a foreign national, and a survivor who suffered several forms of
exploitation, on the pages."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.retention import cases_anonymise
from cases.services import Exploitation
from organisations.models import Province
from tests.cases.factories import CaseFactory
from tests.cases.test_case_rules import registration_form
from tests.webforms.helpers import case_form_data, edit_url

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_a_foreign_national_is_registered_with_an_interpreter_and_two_forms(client_for, owner):
    started, ended = TODAY() - dt.timedelta(days=200), TODAY() - dt.timedelta(days=12)
    form = registration_form(
        name_latin="Siti Rahayu",
        name_khmer="",
        consent_given_by="survivor",
        date_of_birth="1998-05-04",
        nationality="ID",
        languages=["id", "en"],
        interpreter_needed="on",
        exploitations=["forced_criminality", "sexual_exploitation"],
        exploitation_country="KH",
        exploitation_province="18",
        exploitation_from=started.isoformat(),
        exploitation_to=ended.isoformat(),
        destination_country="KH",
    )
    client = client_for(owner)
    response = client.post(reverse("cases:create"), form)
    assert response.status_code == 302, response.context["form"].errors
    case = Case.objects.get(name_latin="Siti Rahayu")
    assert (case.nationality, case.languages, case.interpreter_needed) == ("ID", ["id", "en"], True)
    assert list(case.exploitations.values_list("form", "country", "province", "started_on")) == [
        ("forced_criminality", "KH", "18", started),
        ("sexual_exploitation", "KH", "18", started),
    ]
    page = client.get(response.url).content.decode()
    assert "Indonesia" in page and "needs an interpreter" in page
    assert "Forced criminality (scam compound, online fraud)" in page
    assert "Sihanoukville" in page  # Preah Sihanouk, as the official list names it
    owner.preferred_language = "km"
    owner.save()
    client.cookies["django_language"] = "km"
    khmer = client.get(response.url).content.decode()
    assert "ឥណ្ឌូណេស៊ី" in khmer


def test_a_province_outside_cambodia_and_no_form_are_refused_on_the_form(client_for, owner):
    client = client_for(owner)
    response = client.post(
        reverse("cases:create"),
        registration_form(exploitations=["begging"], exploitation_country="TH",
                          exploitation_province="01"),
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["exploitations"] == [
        "A province is given only for a place in Cambodia."
    ]
    response = client.post(reverse("cases:create"), registration_form(exploitations=[]))
    assert "exploitations" in response.context["form"].errors
    assert not Case.objects.exists()


def test_editing_keeps_each_forms_place_and_places_a_newly_ticked_form(client_for, owner):
    case = CaseFactory(
        actor=owner,
        exploitations=[
            Exploitation("forced_labour", "TH"),
            Exploitation("sexual_exploitation", "MY"),
        ],
    )
    client = client_for(owner)
    data = case_form_data(client.get(edit_url(case)))
    assert sorted(data["exploitations"]) == ["forced_labour", "sexual_exploitation"]
    data["exploitations"] = [*data["exploitations"], "begging"]
    response = client.post(edit_url(case), data)
    assert response.status_code == 302, response.context["form"].errors
    assert dict(case.exploitations.values_list("form", "country")) == {
        "forced_labour": "TH",
        "sexual_exploitation": "MY",
        "begging": "TH",  # the place shown on the form: the first form's
    }
    assert "forms of exploitation" in case.events.latest("id").words

    data = case_form_data(client.get(edit_url(case)))
    data["exploitations"] = ["forced_labour"]
    data["exploitation_country"] = "VN"
    assert client.post(edit_url(case), data).status_code == 302
    assert list(case.exploitations.values_list("form", "country")) == [("forced_labour", "VN")]


def test_retention_keeps_the_nationality_and_drops_languages_and_interpreter(owner):
    case = CaseFactory(actor=owner, nationality="KE", languages=["sw"], interpreter_needed=True)
    cases_anonymise(case_ids=[case.pk])
    case.refresh_from_db()
    assert (case.nationality, case.languages, case.interpreter_needed) == ("KE", [], False)
    assert case.exploitations.count() == 1
    assert Province.objects.filter(pk="18").exists()
