"""Writes: services' refusals as problem+json with field messages, Idempotency-Key replays,
If-Match on updates, and the rate limit per key."""

import datetime as dt

import pytest
from django.utils import timezone

from api.models import IdempotencyRecord
from api.throttling import PartnerRateThrottle
from cases.models import Case
from referrals.models import Referral
from tests.cases.factories import a_village
from tests.referrals.helpers import give_consent

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def new_case(**overrides):
    body = {
        "name_latin": "Chan Dara",
        "sex": "female",
        "date_of_birth": "2009-03-01",
        "exploitations": [{"form": "domestic_servitude", "country": "MY"}],
        "movement": "cross_border",
        "destination_country": "MY",
        "how_identified": "hotline",
        "intake_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "origin_village": a_village().pk,
    }
    body.update(overrides)
    return body


def test_a_partner_registers_a_survivor_with_consent(ngo_api, ngo):
    consent = {
        "given_by": "guardian",
        "guardian_name": "Chan Sophea",
        "child_assent": True,
        "purpose": "services",
        "given_on": timezone.localdate().isoformat(),
        "covers_identity": True,
    }
    response = ngo_api.post("/api/v1/cases/", new_case(consent=consent), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["identity"]["minor_at_intake"] is True
    assert body["organisation"] == ngo.slug
    assert response["ETag"]
    case = Case.objects.get(pk=body["id"])
    assert case.consents.get().guardian_name == "Chan Sophea"


def test_a_service_refusal_is_a_problem_with_field_messages(ngo_api):
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = ngo_api.post(
        "/api/v1/cases/", new_case(intake_date=future, destination_country=""), format="json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 400
    assert body["title"] == "Invalid request"
    assert body["errors"] == {
        "intake_date": ["The intake date is in the future."],
        "destination_country": ["Give the destination country of a cross-border case."],
    }
    assert not Case.objects.exists()


def test_a_serializer_refusal_names_nested_fields(ngo_api):
    response = ngo_api.post(
        "/api/v1/cases/",
        new_case(sex="unknown", consent={"given_by": "survivor"}),
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "sex" in errors
    assert "consent.purpose" in errors


def test_a_refusal_without_a_field_is_a_non_field_error(ngo_api, case, other_ngo):
    # No consent covers sharing: the service refuses the referral as a whole.
    response = ngo_api.post(
        "/api/v1/referrals/",
        {
            "case": case.pk,
            "to_organisation": other_ngo.slug,
            "service": "legal_aid",
            "reason": "Trial in Phnom Penh.",
            "shares_identity": True,
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert list(errors) == ["non_field_errors"]
    assert errors["non_field_errors"][0].startswith("No active consent covers sharing")


def test_a_role_that_may_not_write_gets_a_403_problem(session_api, officer):
    response = session_api(officer).post("/api/v1/cases/", new_case(), format="json")
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "Your role does not register cases."


class TestIdempotencyKey:
    def test_a_repeated_post_returns_the_first_result(self, ngo_api):
        first = ngo_api.post(
            "/api/v1/cases/", new_case(), format="json", HTTP_IDEMPOTENCY_KEY="intake-42"
        )
        again = ngo_api.post(
            "/api/v1/cases/", new_case(), format="json", HTTP_IDEMPOTENCY_KEY="intake-42"
        )
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json()
        assert again["Idempotent-Replayed"] == "true"
        assert "Idempotent-Replayed" not in first
        assert Case.objects.count() == 1
        assert IdempotencyRecord.objects.count() == 1

    def test_the_same_key_with_another_body_is_refused(self, ngo_api):
        ngo_api.post("/api/v1/cases/", new_case(), format="json", HTTP_IDEMPOTENCY_KEY="k1")
        other = ngo_api.post(
            "/api/v1/cases/", new_case(name_latin="Other"), format="json", HTTP_IDEMPOTENCY_KEY="k1"
        )
        assert other.status_code == 422
        assert other["Content-Type"] == PROBLEM
        assert Case.objects.count() == 1

    def test_a_refused_write_is_not_remembered(self, ngo_api):
        bad = new_case(sex="unknown")
        for _ in range(2):
            response = ngo_api.post("/api/v1/cases/", bad, format="json", HTTP_IDEMPOTENCY_KEY="k2")
            assert response.status_code == 400
        assert not IdempotencyRecord.objects.exists()

    def test_keys_are_per_caller(self, ngo_api, other_api):
        ngo_api.post("/api/v1/cases/", new_case(), format="json", HTTP_IDEMPOTENCY_KEY="same")
        other_api.post("/api/v1/cases/", new_case(), format="json", HTTP_IDEMPOTENCY_KEY="same")
        assert Case.objects.count() == 2

    def test_an_action_replays_too(self, ngo_api, case, owner, third_ngo, make_key, key_client):
        give_consent(case, owner, organisation=third_ngo)
        sent = ngo_api.post(
            "/api/v1/referrals/",
            {
                "case": case.pk,
                "to_organisation": third_ngo.slug,
                "service": "legal_aid",
                "reason": "Trial in Phnom Penh.",
                "shares_identity": True,
            },
            format="json",
            HTTP_IDEMPOTENCY_KEY="referral-1",
        )
        assert sent.status_code == 201, sent.content
        receiver = key_client(make_key(third_ngo)[1])
        url = f"/api/v1/referrals/{sent.json()['id']}/accept/"
        first = receiver.post(url, HTTP_IDEMPOTENCY_KEY="accept-1")
        again = receiver.post(url, HTTP_IDEMPOTENCY_KEY="accept-1")
        assert first.status_code == again.status_code == 200
        assert again.json() == first.json()
        # Without the key, accepting twice is refused by the referral's own rules.
        assert receiver.post(url).status_code == 400
        assert Referral.objects.get().status == "accepted"


class TestIfMatch:
    def test_an_update_needs_the_current_etag(self, ngo_api, case):
        url = f"/api/v1/cases/{case.pk}/"
        read = ngo_api.get(url)
        etag = read["ETag"]
        missing = ngo_api.patch(url, {"risk_level": "high"}, format="json")
        assert missing.status_code == 428
        assert missing["Content-Type"] == PROBLEM
        stale = ngo_api.patch(url, {"risk_level": "high"}, format="json", HTTP_IF_MATCH='"old"')
        assert stale.status_code == 412
        ok = ngo_api.patch(url, {"risk_level": "high"}, format="json", HTTP_IF_MATCH=etag)
        assert ok.status_code == 200, ok.content
        assert ok.json()["risk_level"] == "high"
        assert ok["ETag"] != etag
        again = ngo_api.patch(url, {"risk_level": "low"}, format="json", HTTP_IF_MATCH=etag)
        assert again.status_code == 412
        case.refresh_from_db()
        assert case.risk_level == "high"

    def test_a_stale_etag_stops_a_phase_change(self, ngo_api, case):
        url = f"/api/v1/cases/{case.pk}/"
        etag = ngo_api.get(url)["ETag"]
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now() + dt.timedelta(seconds=1))
        response = ngo_api.post(
            f"{url}phase/", {"to_phase": "intake"}, format="json", HTTP_IF_MATCH=etag
        )
        assert response.status_code == 412
        case.refresh_from_db()
        assert case.phase == "identification"


def test_a_key_over_its_rate_gets_429_with_retry_after(ngo_api, other_api, monkeypatch):
    monkeypatch.setitem(PartnerRateThrottle.THROTTLE_RATES, "api_key", "3/min")
    for _ in range(3):
        assert ngo_api.get("/api/v1/provinces/").status_code == 200
    refused = ngo_api.get("/api/v1/provinces/")
    assert refused.status_code == 429
    assert refused["Content-Type"] == PROBLEM
    assert 0 < int(refused["Retry-After"]) <= 60
    # Another key has its own allowance.
    assert other_api.get("/api/v1/provinces/").status_code == 200


def test_a_ministry_api_key_cannot_register_a_case(ministry, make_key, key_client):
    """Ministries see aggregates and answer referrals; case files belong to case-working
    organisations (cases.permissions.can_register_cases), through the API as on the page."""
    _key, plaintext = make_key(ministry, "Ministry database")
    response = key_client(plaintext).post("/api/v1/cases/", new_case(), format="json")
    assert response.status_code == 403, response.content
    assert response["Content-Type"] == PROBLEM
    assert not Case.objects.exists()
