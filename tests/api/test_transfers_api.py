"""Transfers in the partner API: both organisations read who handed which case to whom and
where it stands, never the reasons given; anyone else finds nothing; nothing is written."""

import datetime as dt

import pytest

from audit.models import AccessEvent
from organisations.models import Role
from tests.organisations.factories import OrganisationFactory, UserFactory
from tests.referrals.helpers import give_consent
from transfers import services

pytestmark = pytest.mark.django_db

REASON = "She moved to Battambang with her aunt, who sells fish."
# 10:00 in Phnom Penh on 1 December 2026.
NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def receiver(db):
    return OrganisationFactory(name="Battambang NGO", short_name="BTB")


@pytest.fixture
def receivers_lead(receiver):
    return UserFactory(organisation=receiver, role=Role.SUPERVISOR)


@pytest.fixture
def transfer(case, owner, supervisor, receiver, time_machine):
    time_machine.move_to(NOW, tick=False)
    give_consent(case, owner, organisation=receiver, health=True)
    return services.transfer_request(
        actor=supervisor, case=case, to_organisation=receiver, reason=REASON
    )


@pytest.fixture
def receiver_api(receiver, make_key, key_client):
    return key_client(make_key(receiver)[1])


def test_both_organisations_read_the_transfer_without_its_reasons(
    transfer, case, ngo, receiver, ngo_api, receiver_api
):
    for api in (ngo_api, receiver_api):
        listed = api.get("/api/v1/transfers/")
        assert listed.status_code == 200
        assert [row["id"] for row in listed.json()["results"]] == [transfer.pk]
        detail = api.get(f"/api/v1/transfers/{transfer.pk}/")
        assert detail.status_code == 200
        assert detail.json() == {
            "id": transfer.pk,
            "case": case.pk,
            "case_number": case.case_number,
            "from_organisation": ngo.slug,
            "to_organisation": receiver.slug,
            "status": "requested",
            "requested_at": "2026-12-01T10:00:00+07:00",
            "answered_at": None,
            "sender_access_ends_on": None,
        }
        assert "aunt" not in detail.content.decode()


def test_others_find_nothing(transfer, other_api, session_api, owner, officer):
    """Another organisation's key, the case's own social worker (the pages show transfers to
    supervisors) and a ministry officer: 404 and an empty list, as for no transfer at all."""
    for api in (other_api, session_api(owner), session_api(officer)):
        assert api.get(f"/api/v1/transfers/{transfer.pk}/").status_code == 404
        assert api.get("/api/v1/transfers/").json()["results"] == []


def test_filters_by_case_and_finds_what_was_answered_since(
    transfer, case, owner, receiver, receivers_lead, receiver_api, time_machine
):
    assert receiver_api.get(f"/api/v1/transfers/?case={case.pk}").json()["results"]
    assert receiver_api.get(f"/api/v1/transfers/?case={case.pk + 1}").json()["results"] == []
    since = "2026-12-02T00:00:00%2B07:00"
    assert receiver_api.get(f"/api/v1/transfers/?updated_since={since}").json()["results"] == []
    time_machine.move_to(NOW + dt.timedelta(days=2), tick=False)
    worker = UserFactory(organisation=receiver, role=Role.SOCIAL_WORKER)
    services.transfer_accept(actor=receivers_lead, transfer=transfer, assigned_worker=worker)
    (row,) = receiver_api.get(f"/api/v1/transfers/?updated_since={since}").json()["results"]
    assert (row["status"], row["answered_at"]) == ("accepted", "2026-12-03T10:00:00+07:00")
    bad = receiver_api.get("/api/v1/transfers/?updated_since=yesterday")
    assert bad.status_code == 400 and "updated_since" in bad.json()["errors"]


def test_a_key_transfers_nothing(transfer, case, receiver, ngo_api):
    """Requesting and answering are a supervisor's, on the pages."""
    assert ngo_api.post(
        "/api/v1/transfers/", {"case": case.pk, "to_organisation": receiver.slug}, format="json"
    ).status_code == 405  # fmt: skip
    assert ngo_api.patch(f"/api/v1/transfers/{transfer.pk}/", {}, format="json").status_code == 405


def test_reads_are_in_the_audit_log(transfer, case, ngo_api, other_api):
    assert ngo_api.get(f"/api/v1/transfers/{transfer.pk}/").status_code == 200
    assert ngo_api.get("/api/v1/transfers/").status_code == 200
    view, listed = AccessEvent.objects.order_by("id")
    assert (view.action, view.case_id, view.channel) == ("view", case.pk, "api")
    assert (listed.action, listed.case_ids) == ("list", [case.pk])
    assert other_api.get(f"/api/v1/transfers/{transfer.pk}/").status_code == 404
    snooping = AccessEvent.objects.order_by("id").last()
    assert snooping.denied and snooping.case_id == case.pk
