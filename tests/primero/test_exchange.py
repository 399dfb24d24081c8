"""The exchange with Primero, against the Primero double running as a real HTTP server."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.services import consent_withdraw
from primero import sync
from primero.models import (
    CallStatus,
    ConnectionState,
    InboundReferral,
    InboundStatus,
    OutboxCall,
    PrimeroConnection,
)
from referrals.models import Status
from referrals.services import referral_cancel
from tests.referrals.helpers import send

from .conftest import DOSVY_USER, RECIPIENT

pytestmark = pytest.mark.django_db


def only_case(primero) -> dict:
    assert len(primero.cases) == 1
    return next(iter(primero.cases.values()))


def test_an_outbound_referral_carries_only_what_the_consent_covers(
    primero, connection, case, owner, dosvy, consents
):
    referral = send(case, owner, dosvy, shares_identity=True, shares_case_facts=True)

    call_command("primero_sync")

    record = only_case(primero)
    assert record["name"] == "Sok Sreyneang"
    assert record["registration_date"] == case.intake_date.isoformat()
    assert record["homecoming_exploitation_form"] == ["forced_labour"]
    assert record["consent_for_services"] is True
    assert record["disclosure_other_orgs"] is True
    # HIV positive, but health was not shared: nothing of it goes.
    assert not any("hiv" in key or "health" in key or "legal" in key for key in record)
    [transition] = primero.referrals_of(record["id"])
    assert transition["transitioned_to"] == DOSVY_USER
    assert transition["status"] == "in_progress"
    assert transition["consent_overridden"] is False
    assert referral.reason in transition["notes"]
    referral.primero_link.refresh_from_db()
    assert referral.primero_link.primero_referral_id == transition["id"]


def test_case_facts_only_sends_no_identity(primero, connection, case, owner, dosvy, consents):
    send(case, owner, dosvy, shares_identity=False, shares_case_facts=True)

    call_command("primero_sync")

    record = only_case(primero)
    assert "name" not in record and "date_of_birth" not in record and "sex" not in record
    assert record["risk_level"] == case.risk_level


def test_health_goes_only_when_shared(primero, connection, case, owner, dosvy, consents):
    from tests.referrals.helpers import give_consent

    give_consent(case, owner, organisation=dosvy, health=True)
    send(case, owner, dosvy, service="hiv_care", shares_health=True)

    call_command("primero_sync")

    assert only_case(primero)["homecoming_hiv_status"] == "positive"


def test_answers_in_primero_come_back_with_the_timeline_naming_primero(
    primero, connection, case, owner, dosvy, consents
):
    referral = send(case, owner, dosvy)
    sync.sync_cycle()
    [transition] = primero.referrals.values()

    transition["status"] = "accepted"
    sync.sync_cycle()
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert case.events.filter(message="referral.accepted_in_system").exists()
    event = case.events.get(message="referral.accepted_in_system")
    assert event.words == "Accepted by Siem Reap Department of Social Affairs in Primero"

    transition["status"] = "done"
    sync.sync_cycle()
    referral.refresh_from_db()
    assert referral.status == Status.COMPLETED


def test_a_rejection_in_primero_declines_the_referral(
    primero, connection, case, owner, dosvy, consents
):
    referral = send(case, owner, dosvy)
    sync.sync_cycle()
    [transition] = primero.referrals.values()
    transition.update(status="rejected", rejected_reason="No place in the shelter")

    sync.sync_cycle()

    referral.refresh_from_db()
    assert referral.status == Status.DECLINED
    assert referral.decline_reason == "No place in the shelter"
    assert case.events.filter(message="referral.declined_in_system").count() == 1


def test_withdrawing_consent_revokes_the_referral_in_primero(
    primero, connection, case, owner, dosvy, consents
):
    send(case, owner, dosvy)
    sync.sync_cycle()
    consent_withdraw(actor=owner, consent=consents[1], reason="Changed her mind")

    lines = sync.sync_cycle()

    [transition] = primero.referrals.values()
    assert transition["status"] == "revoked"
    assert "referrals revoked: 1" in lines[0]


def test_a_cancelled_referral_is_revoked_in_primero(
    primero, connection, case, owner, dosvy, consents
):
    referral = send(case, owner, dosvy)
    sync.sync_cycle()
    referral_cancel(actor=owner, referral=referral)

    sync.sync_cycle()

    assert [t["status"] for t in primero.referrals.values()] == ["revoked"]


def test_a_referral_cancelled_before_the_cycle_is_never_sent(
    primero, connection, case, owner, dosvy, consents
):
    referral = send(case, owner, dosvy)
    referral_cancel(actor=owner, referral=referral)

    sync.sync_cycle()

    assert primero.cases == {} and primero.referrals == {}


def test_an_inbound_referral_accepted_in_homecoming_is_answered_in_primero(
    primero, connection, owner, client_for, ngo
):
    record = primero.add_case(name="Chan Dara", sex="female", date_of_birth="2009-04-02")
    transition = primero.refer(record, to=RECIPIENT, service="legal_aid", notes="Court in May")

    assert "referrals received: 1" in sync.sync_cycle()[0]
    inbound = InboundReferral.objects.get()
    assert inbound.shared["name_latin"] == "Chan Dara"
    assert inbound.service == "legal_aid"

    client = client_for(owner)
    page = client.get(reverse("primero:inbound"))
    assert "legal aid" in page.content.decode().lower()
    detail = client.get(reverse("primero:inbound-detail", args=[inbound.pk]))
    assert "Chan Dara" in detail.content.decode()
    from tests.cases.factories import a_village

    village = a_village()
    commune = village.commune
    response = client.post(
        reverse("primero:inbound-accept", args=[inbound.pk]),
        {
            "name_latin": "Chan Dara",
            "sex": "female",
            "date_of_birth": "2009-04-02",
            "exploitation_form": "domestic_servitude",
            "movement": "internal",
            "how_identified": "other",
            "intake_date": "2026-11-30",
            "origin_province": commune.district.province_id,
            "origin_district": commune.district_id,
            "origin_commune": commune.pk,
            "origin_village": village.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.ACCEPTED
    case = Case.objects.get(pk=inbound.case_id)
    assert case.organisation == ngo
    assert str(case.primero_links.get().primero_id) == record["id"]
    assert transition["status"] == "in_progress"  # answered by the next cycle

    sync.sync_cycle()

    assert transition["status"] == "accepted"
    assert InboundReferral.objects.count() == 1  # not received twice


def test_an_inbound_referral_declined_in_homecoming_is_rejected_in_primero(
    primero, connection, owner, client_for
):
    record = primero.add_case(name="Chan Dara")
    transition = primero.refer(record, to=RECIPIENT)
    sync.sync_cycle()
    inbound = InboundReferral.objects.get()

    client_for(owner).post(
        reverse("primero:inbound-decline", args=[inbound.pk]),
        {"decline_reason": "We have no shelter place"},
    )
    sync.sync_cycle()

    assert transition["status"] == "rejected"
    assert transition["rejected_reason"] == "We have no shelter place"
    inbound.refresh_from_db()
    assert inbound.shared == {}  # the survivor's details are not kept after declining


def test_a_401_stops_the_cycle_without_a_second_sign_in(
    primero, connection, case, owner, dosvy, consents
):
    send(case, owner, dosvy)
    primero.users["homecoming"] = "changed-in-primero"
    before = primero.sign_ins

    line = sync.sync_cycle()[0]

    assert primero.sign_ins == before + 1
    assert "stopped" in line
    connection.refresh_from_db()
    assert connection.state == ConnectionState.REFUSED
    assert OutboxCall.objects.get().status == CallStatus.WAITING
    # The next cycles do not try again: six failures would lock the account.
    sync.sync_cycle()
    sync.sync_cycle()
    assert primero.sign_ins == before + 1
    assert primero.failed_logins["homecoming"] == 1


def test_a_consent_refusal_is_shown_to_the_administrator_with_a_retry(
    primero, connection, case, owner, dosvy, org_admin, client_for
):
    from tests.referrals.helpers import give_consent

    give_consent(case, owner, organisation=dosvy)  # sharing, but no consent for services
    send(case, owner, dosvy)

    sync.sync_cycle()

    call = OutboxCall.objects.get()
    assert call.status == CallStatus.FAILED
    assert "422" in call.last_error and "transition.errors.consent" in call.last_error
    assert primero.referrals == {}
    client = client_for(org_admin)
    page = client.get(reverse("primero:connection")).content.decode()
    assert "transition.errors.consent" in page
    client.post(reverse("primero:call-retry", args=[call.pk]))
    call.refresh_from_db()
    assert call.status == CallStatus.WAITING


def test_a_crash_between_primero_and_the_commit_creates_nothing_twice(
    primero, connection, case, owner, dosvy, consents, monkeypatch
):
    send(case, owner, dosvy)

    def crash(call):
        raise RuntimeError("worker killed")

    with monkeypatch.context() as patch:
        patch.setattr(sync, "_mark_done", crash)
        with pytest.raises(RuntimeError):
            sync.sync_cycle()
    assert len(primero.cases) == 1 and len(primero.referrals) == 1
    assert OutboxCall.objects.get().status == CallStatus.WAITING

    sync.sync_cycle()
    sync.sync_cycle()

    assert len(primero.cases) == 1
    assert len(primero.referrals) == 1
    assert OutboxCall.objects.get().status == CallStatus.DONE


def test_a_server_error_puts_the_call_back_with_a_delay(
    primero, connection, case, owner, dosvy, consents
):
    send(case, owner, dosvy)
    primero.fail_next = [None, 503]  # the sign-in goes through, the first call does not

    sync.sync_cycle()

    call = OutboxCall.objects.get()
    assert call.status == CallStatus.WAITING
    assert call.attempts == 1 and "503" in call.last_error
    assert (call.next_attempt_at - call.created_at).total_seconds() >= 60
    connection.refresh_from_db()
    assert connection.state == ConnectionState.UNREACHABLE


def test_basic_auth_where_tokens_are_gone(primero, ngo, dosvy, case, owner, consents):
    from primero.services import connection_save

    primero.version = "2.11"
    connection_save(
        organisation=ngo,
        base_url=primero.url,
        username="homecoming",
        password="s3cret-pass",
        recipient=RECIPIENT,
        routes={dosvy: DOSVY_USER},
    )
    send(case, owner, dosvy)

    sync.sync_cycle()

    assert len(primero.referrals) == 1
    assert PrimeroConnection.objects.get().state == ConnectionState.OK


def test_a_supervisors_override_is_the_only_way_to_override_consent_in_primero(
    primero, connection, case, supervisor, dosvy
):
    send(case, supervisor, dosvy, override_reason="She is in danger tonight.")

    sync.sync_cycle()

    record = only_case(primero)
    assert record["disclosure_other_orgs"] is False
    [transition] = primero.referrals.values()
    assert transition["consent_overridden"] is True
    assert "She is in danger tonight." in transition["notes"]


def test_the_beat_runs_a_cycle_every_few_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["primero-sync"]
    assert entry["task"] == "primero.tasks.primero_sync"
    assert entry["schedule"] <= 600 and entry["options"]["expires"] == entry["schedule"]


def test_retrying_a_failed_send_of_a_cancelled_referral_sends_nothing(
    primero, connection, case, owner, dosvy, org_admin
):
    from primero.services import call_retry
    from tests.referrals.helpers import give_consent

    give_consent(case, owner, organisation=dosvy)  # no consent for services: Primero refuses
    referral = send(case, owner, dosvy)
    sync.sync_cycle()
    referral_cancel(actor=owner, referral=referral)
    send_call = OutboxCall.objects.get(kind="send_referral")
    assert send_call.status == CallStatus.FAILED

    call_retry(actor=org_admin, call=send_call)
    sync.sync_cycle()

    assert primero.referrals == {}
    assert {c.kind: c.status for c in OutboxCall.objects.all()} == {
        "send_referral": CallStatus.DONE,
        "revoke_referral": CallStatus.DONE,
    }


def test_a_refused_basic_sign_in_is_tried_once_too(
    primero, connection, case, owner, dosvy, consents
):
    connection.auth_mode = "basic"
    connection.save()
    send(case, owner, dosvy)
    primero.users["homecoming"] = "changed-in-primero"

    for _ in range(3):
        sync.sync_cycle()

    assert primero.failed_logins["homecoming"] == 1
    assert primero.cases == {}


def test_the_command_says_when_nothing_is_connected(db):
    import io

    out = io.StringIO()
    call_command("primero_sync", stdout=out)
    assert out.getvalue().strip() == "No organisation is connected to Primero."


def test_an_acceptance_in_primero_after_the_withdrawal_gives_no_access(
    primero, connection, case, owner, dosvy, consents
):
    referral = send(case, owner, dosvy)
    sync.sync_cycle()
    [transition] = primero.referrals.values()
    consent_withdraw(actor=owner, consent=consents[1], reason="Changed her mind")
    transition["status"] = "accepted"  # in Primero, before the revocation arrives
    # The revocation is not due yet (put back after a network error).
    OutboxCall.objects.filter(kind="revoke_referral").update(
        next_attempt_at=timezone.now() + dt.timedelta(minutes=5)
    )

    sync.sync_cycle()

    referral.refresh_from_db()
    assert referral.status == Status.SENT
    assert not case.events.filter(message="referral.accepted_in_system").exists()


def test_an_acceptance_in_primero_after_the_consent_expired_gives_no_access(
    primero, connection, case, owner, dosvy, consents
):
    """As an acceptance in Homecoming is refused once the consent has expired."""
    referral = send(case, owner, dosvy)
    sync.sync_cycle()
    [transition] = primero.referrals.values()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    type(consents[1]).objects.filter(pk=consents[1].pk).update(expires_on=yesterday)
    transition["status"] = "accepted"

    sync.sync_cycle()

    referral.refresh_from_db()
    assert referral.status == Status.SENT
    assert not case.events.filter(message="referral.accepted_in_system").exists()
