"""The partner API for nationality and the forms of exploitation: a set of forms with place and
dates, and the single `exploitation_form`, deprecated, still read and written for one version."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case
from tests.cases.factories import a_village

pytestmark = pytest.mark.django_db


def new_case(**overrides):
    body = {
        "name_latin": "Siti Rahayu",
        "sex": "female",
        "date_of_birth": "1999-03-01",
        "nationality": "ID",
        "languages": ["id", "en"],
        "interpreter_needed": True,
        "exploitations": [
            {
                "form": "forced_criminality",
                "country": "KH",
                "province": "18",
                "started_on": (timezone.localdate() - dt.timedelta(days=200)).isoformat(),
                "ended_on": (timezone.localdate() - dt.timedelta(days=10)).isoformat(),
            },
            {"form": "sexual_exploitation", "country": "KH"},
        ],
        "movement": "cross_border",
        "destination_country": "KH",
        "how_identified": "police_raid",
        "intake_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "origin_village": a_village().pk,
    }
    body.update(overrides)
    return body


def test_a_foreign_national_with_two_forms_is_registered_and_read_back(ngo_api):
    response = ngo_api.post("/api/v1/cases/", new_case(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["identity"]["nationality"] == "ID"
    assert body["identity"]["languages"] == ["id", "en"]
    assert body["identity"]["interpreter_needed"] is True
    assert body["identity"]["name_khmer"] == ""
    forms = body["case_facts"]["exploitations"]
    assert [(f["form"], f["htcds_term"], f["country"], f["province"]) for f in forms] == [
        ("forced_criminality", "ForcedLabour/IllicitActivities", "KH", "18"),
        ("sexual_exploitation", "SexualExploit", "KH", None),
    ]
    # Deprecated: the first form, for partners that read one.
    assert body["case_facts"]["exploitation_form"] == "forced_criminality"


def test_a_partner_still_sending_one_form_gets_a_set_of_one_and_cambodian_by_default(ngo_api):
    body = new_case(exploitation_form="begging", movement="internal", destination_country="")
    for name in ("exploitations", "nationality", "languages", "interpreter_needed"):
        del body[name]
    response = ngo_api.post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["id"])
    assert case.nationality == "KH"
    assert list(case.exploitations.values_list("form", flat=True)) == ["begging"]


@pytest.mark.parametrize(
    ("exploitations", "message"),
    [
        ([], "Give at least one form of exploitation."),
        ([{"form": "begging"}, {"form": "begging"}], "Give each form of exploitation once."),
        (
            [{"form": "begging", "country": "TH", "province": "01"}],
            "A province is given only for a place in Cambodia.",
        ),
        (
            [{"form": "begging", "started_on": "2026-05-01", "ended_on": "2026-04-01"}],
            "A form of exploitation ends before it starts.",
        ),
    ],
)
def test_forms_that_cannot_be_are_a_400_naming_the_field(ngo_api, exploitations, message):
    response = ngo_api.post("/api/v1/cases/", new_case(exploitations=exploitations), format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"exploitations": [message]}
    assert not Case.objects.exists()


def test_an_update_replaces_the_set_and_the_timeline_names_it(ngo_api):
    created = ngo_api.post("/api/v1/cases/", new_case(), format="json")
    url = f"/api/v1/cases/{created.json()['id']}/"
    response = ngo_api.patch(
        url,
        {"exploitations": [{"form": "forced_labour", "country": "TH"}], "languages": ["id"]},
        format="json",
        HTTP_IF_MATCH=created["ETag"],
    )
    assert response.status_code == 200, response.content
    facts = response.json()["case_facts"]
    assert [(f["form"], f["country"]) for f in facts["exploitations"]] == [("forced_labour", "TH")]
    assert response.json()["identity"]["languages"] == ["id"]
    case = Case.objects.get(pk=created.json()["id"])
    assert "forms of exploitation" in case.events.latest("id").words


def test_both_the_set_and_the_deprecated_field_is_refused(ngo_api):
    response = ngo_api.post("/api/v1/cases/", new_case(exploitation_form="begging"), format="json")
    assert response.status_code == 400
    assert "exploitation_form" in response.json()["errors"]


def test_cases_filtered_by_nationality_and_form(ngo_api):
    ngo_api.post("/api/v1/cases/", new_case(), format="json")
    cambodian = new_case(
        name_latin="Sok Dara",
        exploitations=[{"form": "begging"}],
        movement="internal",
        destination_country="",
    )
    del cambodian["nationality"]
    ngo_api.post("/api/v1/cases/", cambodian, format="json")

    def names(**params):
        results = ngo_api.get("/api/v1/cases/", params).json()["results"]
        return [case["identity"]["name_latin"] for case in results]

    assert names(nationality="id") == ["Siti Rahayu"]
    assert names(nationality="KH") == ["Sok Dara"]
    assert names(exploitation_form="begging") == ["Sok Dara"]
    assert names(exploitation_form="sexual_exploitation") == ["Siti Rahayu"]


def test_a_foreign_national_without_origin_is_registered_and_a_cambodian_refused(ngo_api):
    response = ngo_api.post("/api/v1/cases/", new_case(origin_village=None), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["origin_province"] is None
    cambodian = new_case(origin_village=None, nationality="KH", destination_country="TH")
    response = ngo_api.post("/api/v1/cases/", cambodian, format="json")
    assert response.status_code == 400
    assert "origin_commune" in str(response.content)
