"""Schemathesis fuzzes every operation of the schema against the application (in process,
through WSGI) as a partner's API key: no server error, no answer the schema does not describe.
A fixed seed keeps runs repeatable; 50 examples per operation at least."""

import datetime as dt
import zlib
from types import SimpleNamespace

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.concurrency import etag_for
from api.throttling import PartnerRateThrottle
from cases.models import Case
from followup.services import community_resource_create
from organisations.models import Role
from referrals.services import referral_accept
from tests.cases.factories import CaseFactory, a_village
from tests.organisations.factories import UserFactory
from tests.referrals.helpers import give_consent, send, share

application = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@pytest.fixture
def same_connection():
    """Keep the test's database connection across requests, as Django's test client does: the
    WSGI handler would close it at the end of each request, and with it the test transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def partner(same_connection, db, ngo, owner, supervisor, third_ngo, world, make_key, monkeypatch):
    """The shelter's key, with cases of its own, one shared with it, referrals both ways."""
    # The fuzzer sends far more than a partner may: the rate limit is tested elsewhere.
    monkeypatch.setitem(PartnerRateThrottle.THROTTLE_RATES, "api_key", "1000000/min")
    worker = UserFactory(organisation=third_ngo, role=Role.SOCIAL_WORKER)
    shared = CaseFactory(actor=worker)
    give_consent(shared, worker, organisation=ngo)
    referral_accept(actor=supervisor, referral=send(shared, worker, ngo))
    received = send(shared, worker, ngo, service="shelter")
    share(CaseFactory(actor=worker), ngo)
    resource = community_resource_create(
        actor=owner, kind="school", name="Kampong school", province=world.case.origin_province
    )
    _key, plaintext = make_key(ngo)
    village = a_village()
    today = timezone.localdate()
    return SimpleNamespace(
        headers={"Authorization": f"Api-Key {plaintext}"},
        objects={
            "cases": world.case.pk,
            "consents": world.consent.pk,
            "counselling-sessions": world.session.pk,
            "referrals": received.pk,
            "visits": world.visit.pk,
            "documents": world.document.pk,
            "community-resources": resource.pk,
            "organisations": ngo.pk,
            "plans": world.plan.pk,
            "assessments": world.assessment.pk,
            "approvals": world.approval.pk,
            "services-delivered": world.delivery.pk,
            "returns": world.cross_border_return.pk,
            "transfers": world.transfer.pk,
            "legal-proceedings": world.proceeding.pk,
            "hearings": world.hearing.pk,
            "family-assessments": world.family_assessment.pk,
            "community-preparation": world.preparation.pk,
            "livelihood-facts": world.livelihood.pk,
        },
        sent_referral=world.referral.pk,
        references={
            "case": world.case.pk,
            "origin_village": village.pk,
            "origin_commune": village.commune_id,
            "to_organisation": third_ngo.slug,
            "shared_with_organisation": third_ngo.slug,
            "province": world.case.origin_province_id,
            "commune": None,
            "resources": [resource.pk],
            "assigned_worker": None,
            "counsellor": None,
            "date_of_birth": "2004-02-01",
            "intake_date": (today - dt.timedelta(days=3)).isoformat(),
            "session_date": (today - dt.timedelta(days=1)).isoformat(),
            "given_on": (today - dt.timedelta(days=1)).isoformat(),
            "visited_on": today.isoformat(),
            "scheduled_for": (today + dt.timedelta(days=30)).isoformat(),
            "expires_on": None,
            "next_session_date": None,
            "next_visit_on": None,
            "goal": world.plan.goals.first().pk,
            "action": world.delivery.action_id,
            "referral": None,
            "delivered_on": today.isoformat(),
            "assessed_on": today.isoformat(),
            "target_date": (today + dt.timedelta(days=30)).isoformat(),
            "identified_on": (today - dt.timedelta(days=3)).isoformat(),
            "done_on": today.isoformat(),
            "family_assessment": None,
            "date": (today + dt.timedelta(days=30)).isoformat(),
            "met_on": today.isoformat(),
            "resource": resource.pk,
            "started_on": (today - dt.timedelta(days=60)).isoformat(),
            "ended_on": today.isoformat(),
        },
    )


def point_at_real_objects(case, partner) -> None:
    """Half the examples name objects that exist, so the fuzzer reaches the services too,
    not only "not found"; the other half keep the ids and references it made up."""
    if zlib.crc32(repr((case.path_parameters, case.body)).encode()) % 2:
        return
    collection = case.operation.path.removeprefix("/api/v1").strip("/").split("/")[0]
    if case.path_parameters and "id" in case.path_parameters:
        real = partner.objects[collection]
        if collection == "referrals" and case.operation.path.endswith("/cancel/"):
            real = partner.sent_referral
        case.path_parameters["id"] = real
        if collection == "cases":
            etag = etag_for(Case.objects.get(pk=real))
            case.headers = {**(case.headers or {}), "If-Match": etag}
    if case.path_parameters and "code" in case.path_parameters:
        case.path_parameters["code"] = "12"
    if isinstance(case.body, dict):
        for name, value in partner.references.items():
            if name in case.body:
                case.body[name] = value


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=50,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_to_the_schema(case, partner):
    point_at_real_objects(case, partner)
    case.call_and_validate(headers=partner.headers, checks=CHECKS)


@pytest.mark.django_db
def test_no_operation_answers_without_credentials(client):
    operations = [result.ok() for result in schema.get_all_operations()]
    answered = []
    for operation in operations:
        path = operation.path.replace("{id}", "1").replace("{code}", "12")
        call = getattr(client, operation.method.lower())
        response = call(path, content_type="application/json")
        if response.status_code not in (401, 403):
            answered.append((operation.method, operation.path, response.status_code))
    assert answered == []
    assert len(operations) >= 25
