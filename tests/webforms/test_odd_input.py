"""Odd input is a 400 with a message (or a form error), never a 500, and never an error for
work that was done."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from cases.models import Case, CaseEvent, EventKind
from followup.models import Notification

pytestmark = pytest.mark.django_db

ODD_NEXT = [
    "/cases/\x00",
    "ÿþ",  # invalid UTF-8 bytes as Latin-1 text
    "\u1780\u200b\u17b6\u0301",  # Khmer with a zero-width space and a combining mark
    "cases:list",  # a view name, which redirect() would have resolved
    "https://evil.example/",
]


@pytest.mark.parametrize("odd", ODD_NEXT)
def test_assign_with_an_odd_next_assigns_once_and_answers_no_error(
    case, supervisor, colleague, client_for, odd
):
    response = client_for(supervisor).post(
        reverse("cases:assign", args=[case.pk]), {"worker": colleague.pk, "next": odd}
    )
    assigned = CaseEvent.objects.filter(case=case, kind=EventKind.ASSIGNED).count()
    if "\x00" in odd:
        # Refused at the door: nothing was written.
        assert response.status_code == 400 and assigned == 0
    else:
        assert response.status_code == 302
        assert response["Location"] == reverse("cases:detail", args=[case.pk])
        assert assigned == 1


def test_invalid_utf8_in_the_body_is_no_error(case, supervisor, colleague, client_for):
    body = b"worker=%d&next=%%ff%%fe" % colleague.pk
    response = client_for(supervisor).generic(
        "POST",
        reverse("cases:assign", args=[case.pk]),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    assert CaseEvent.objects.filter(case=case, kind=EventKind.ASSIGNED).count() == 1


def test_too_many_fields_is_a_styled_400_and_writes_nothing(
    case, supervisor, colleague, client_for
):
    body = b"&".join([b"worker=%d" % colleague.pk, *(b"f%d=1" % i for i in range(1200))])
    response = client_for(supervisor).generic(
        "POST",
        reverse("cases:assign", args=[case.pk]),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert b"too many fields" in response.content and b"<nav" in response.content
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.ASSIGNED).exists()


def test_nul_in_a_form_or_query_is_a_translated_400(case, owner, client_for):
    client = client_for(owner)
    names_before = Case.objects.values_list("name_latin", flat=True).get(pk=case.pk)
    response = client.post(reverse("cases:edit", args=[case.pk]), {"name_latin": "Sok\x00"})
    assert response.status_code == 400 and b"NUL" in response.content
    assert Case.objects.values_list("name_latin", flat=True).get(pk=case.pk) == names_before
    options = client.get(reverse("organisations:place-options"), {"level": "district\x00"})
    assert options.status_code == 400
    with translation.override("km"):
        page = client.get(reverse("cases:list"), {"q": "\x00"}, HTTP_ACCEPT_LANGUAGE="km")
    assert page.status_code == 400
    assert "សំណើ".encode() in page.content or b'lang="km"' in page.content


@pytest.mark.parametrize("odd", ["abc", "1 2", "ក", "1.5", "99999999999999999999999"])
def test_a_notification_id_that_is_not_a_number_is_a_400(owner, client_for, odd):
    response = client_for(owner).post(reverse("followup:notifications"), {"notification": odd})
    assert response.status_code == 400
    assert not Notification.objects.filter(read_at__isnull=False).exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_dates_out_of_range_are_field_errors_everywhere(
    case, owner, supervisor, org_admin, client_for, day
):
    owner_client = client_for(owner)
    consents = case.consents.count()
    visit = owner_client.post(reverse("followup:visit-add", args=[case.pk]), {"scheduled_for": day})
    assert visit.status_code == 400 and b"Give a date between" in visit.content
    consent = owner_client.post(
        reverse("cases:consent-create", args=[case.pk]),
        {"given_by": "survivor", "purpose": "services", "covers_identity": "on", "given_on": day},
    )
    assert consent.status_code == 200 and b"Give a date between" in consent.content
    assert case.consents.count() == consents
    dashboard = client_for(supervisor).get(
        reverse("dashboards:dashboard"), {"date_from": day, "date_to": day}
    )
    assert dashboard.status_code in (200, 400)
    audit = client_for(org_admin).get(reverse("audit:log"), {"since": day, "until": day})
    assert audit.status_code in (200, 400)


API_WRITES = [
    ("post", "/api/v1/cases/"),
    ("post", "/api/v1/consents/"),
    ("post", "/api/v1/referrals/"),
    ("post", "/api/v1/visits/"),
    ("post", "/api/v1/community-resources/"),
    ("post", "/api/v1/counselling-sessions/"),
]


@pytest.mark.parametrize(("method", "path"), API_WRITES)
def test_deeply_nested_json_is_a_problem_400(owner, method, path):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_login(owner)
    body = "[" * 100_000 + "]" * 100_000
    response = getattr(api, method)(path, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "nested" in response.json()["detail"]


def test_nul_in_api_json_is_a_problem_400(owner, case):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_login(owner)
    body = json.dumps({"case": case.pk, "topics": "Family\u0000", "kind": "individual"})
    response = api.post("/api/v1/counselling-sessions/", body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_a_suspicious_request_gets_the_sites_400_page(owner, client_for):
    response = client_for(owner).get(reverse("cases:list"), HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert b"The request was refused" in response.content


def test_an_api_400_at_the_door_is_problem_json(owner):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_login(owner)
    response = api.get("/api/v1/cases/", {"phase": "intake\x00"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
