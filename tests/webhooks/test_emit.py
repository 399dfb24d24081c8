"""Each event is recorded for the organisations entitled to know, in the transaction of the
change, and for no one else."""

import datetime as dt

import pytest
from django.db import transaction

from cases.models import EventKind
from cases.services import consent_withdraw
from followup.models import ReminderKind
from followup.sending import reminders_send_due
from followup.services import reminder_due_times
from organisations.models import Role
from referrals.services import referral_accept, referral_complete, referral_decline
from tests.followup.factories import planned_visit, reintegrate
from tests.organisations.factories import OrganisationFactory, UserFactory
from tests.referrals.helpers import give_consent, send
from transfers.services import (
    transfer_accept,
    transfer_cancel,
    transfer_decline,
    transfer_request,
    transfer_sender_access_expire_due,
)
from webhooks.models import Event, WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver_worker(other_ngo):
    return UserFactory(username="receiver", organisation=other_ngo, role=Role.SOCIAL_WORKER)


@pytest.fixture
def bystander_admin(db):
    third = OrganisationFactory(name="Third Legal Aid NGO", short_name="TLA")
    return UserFactory(username="thirdadmin", organisation=third, role=Role.ORG_ADMIN)


@pytest.fixture
def endpoints(register, org_admin, other_admin, bystander_admin):
    """Every event, for the sender, the receiver and an organisation with no part in it."""
    return {
        "sender": register(org_admin, "http://127.0.0.1:9/sender")[0],
        "receiver": register(other_admin, "http://127.0.0.1:9/receiver")[0],
        "bystander": register(bystander_admin, "http://127.0.0.1:9/bystander")[0],
    }


def told(endpoints) -> dict[str, list[tuple[str, str]]]:
    return {
        name: list(
            WebhookDelivery.objects.filter(endpoint=endpoint)
            .order_by("pk")
            .values_list("event", "resource")
        )
        for name, endpoint in endpoints.items()
    }


def test_a_referral_tells_both_parties_and_no_one_else(
    endpoints, case, owner, other_ngo, receiver_worker
):
    give_consent(case, owner, organisation=other_ngo)
    referral = send(case, owner, other_ngo)
    resource = f"/api/v1/referrals/{referral.pk}/"
    referral_accept(actor=receiver_worker, referral=referral)
    referral_complete(actor=receiver_worker, referral=referral, outcome="Lawyer found.")

    referral_events = [
        (Event.REFERRAL_CREATED, resource),
        (Event.REFERRAL_ANSWERED, resource),
        (Event.REFERRAL_COMPLETED, resource),
    ]
    assert told(endpoints) == {
        "sender": referral_events,
        "receiver": [
            (Event.REFERRAL_CREATED, resource),
            (Event.CASE_SHARED, f"/api/v1/cases/{case.pk}/"),
            (Event.REFERRAL_ANSWERED, resource),
            (Event.REFERRAL_COMPLETED, resource),
        ],
        "bystander": [],
    }


def test_a_declined_referral_is_answered_and_shares_nothing(
    endpoints, case, owner, other_ngo, receiver_worker
):
    give_consent(case, owner, organisation=other_ngo)
    referral = send(case, owner, other_ngo)
    referral_decline(actor=receiver_worker, referral=referral, reason="No lawyer free.")
    assert [event for event, _ in told(endpoints)["receiver"]] == [
        Event.REFERRAL_CREATED,
        Event.REFERRAL_ANSWERED,
    ]


def test_withdrawn_consent_tells_the_owner_and_unshares_for_the_receiver(
    endpoints, case, owner, other_ngo, receiver_worker
):
    consent = give_consent(case, owner, organisation=other_ngo)
    referral_accept(actor=receiver_worker, referral=send(case, owner, other_ngo))
    WebhookDelivery.objects.all().delete()

    consent_withdraw(actor=owner, consent=consent, reason="Changed her mind.")

    assert told(endpoints) == {
        "sender": [(Event.CONSENT_WITHDRAWN, f"/api/v1/consents/{consent.pk}/")],
        "receiver": [(Event.CASE_UNSHARED, f"/api/v1/cases/{case.pk}/")],
        "bystander": [],
    }


def test_an_overdue_visit_is_told_once_to_the_cases_organisation(endpoints, case, owner):
    case = reintegrate(case, owner)
    visit = planned_visit(case, on=dt.date(2026, 3, 2), worker=owner)
    overdue_at = reminder_due_times(visit.scheduled_for)[ReminderKind.OVERDUE]
    WebhookDelivery.objects.all().delete()

    reminders_send_due(now=overdue_at)
    reminders_send_due(now=overdue_at + dt.timedelta(days=1))

    assert told(endpoints) == {
        "sender": [(Event.VISIT_OVERDUE, f"/api/v1/visits/{visit.pk}/")],
        "receiver": [],
        "bystander": [],
    }


def test_only_the_events_asked_for_are_recorded(register, org_admin, case, owner, other_ngo):
    only_overdue, _secret = register(org_admin, "http://127.0.0.1:9/a", [Event.VISIT_OVERDUE])
    give_consent(case, owner, organisation=other_ngo)
    send(case, owner, other_ngo)
    assert not WebhookDelivery.objects.filter(endpoint=only_overdue).exists()


def test_a_change_that_rolls_back_tells_no_one(endpoints, case, owner, other_ngo):
    give_consent(case, owner, organisation=other_ngo)
    with pytest.raises(RuntimeError), transaction.atomic():
        send(case, owner, other_ngo)
        assert WebhookDelivery.objects.count() == 2
        raise RuntimeError("the request failed after the referral")
    assert WebhookDelivery.objects.count() == 0


def test_an_organisation_without_endpoints_costs_one_query(
    django_assert_num_queries, case, owner, other_ngo
):
    from webhooks import emit

    give_consent(case, owner, organisation=other_ngo)
    referral = send(case, owner, other_ngo)
    with django_assert_num_queries(1):  # the endpoints of the two parties: none
        emit.referral_answered(referral)


@pytest.fixture
def receiving_lead(other_ngo):
    return UserFactory(username="receivinglead", organisation=other_ngo, role=Role.SUPERVISOR)


def transfer_requested(case, owner, supervisor, other_ngo):
    give_consent(case, owner, organisation=other_ngo, health=True)
    return transfer_request(
        actor=supervisor, case=case, to_organisation=other_ngo,
        reason="The survivor moved to Battambang with her aunt.",
    )  # fmt: skip


def test_a_transfer_tells_both_organisations_and_no_one_else(
    settings, endpoints, case, owner, supervisor, other_ngo, receiving_lead, receiver_worker
):
    settings.CASE_TRANSFER_SENDER_GRACE_DAYS = 30
    transfer = transfer_requested(case, owner, supervisor, other_ngo)
    transfer_accept(actor=receiving_lead, transfer=transfer, assigned_worker=receiver_worker)

    resource = f"/api/v1/transfers/{transfer.pk}/"
    both = [(Event.TRANSFER_REQUESTED, resource), (Event.TRANSFER_ACCEPTED, resource)]
    # The receiver now owns the case: told to fetch it, as any organisation that starts to
    # see one; the sender still reads it (its grace period) and is told nothing more yet.
    assert told(endpoints) == {
        "sender": both,
        "receiver": [*both, (Event.CASE_SHARED, f"/api/v1/cases/{case.pk}/")],
        "bystander": [],
    }


def test_a_declined_or_cancelled_transfer_is_told_to_both(
    endpoints, case, owner, supervisor, other_ngo, receiving_lead
):
    declined = transfer_requested(case, owner, supervisor, other_ngo)
    transfer_decline(actor=receiving_lead, transfer=declined, reason="No worker in Battambang.")
    cancelled = transfer_requested(case, owner, supervisor, other_ngo)
    transfer_cancel(actor=supervisor, transfer=cancelled)

    first, second = f"/api/v1/transfers/{declined.pk}/", f"/api/v1/transfers/{cancelled.pk}/"
    both = [
        (Event.TRANSFER_REQUESTED, first),
        (Event.TRANSFER_DECLINED, first),
        (Event.TRANSFER_REQUESTED, second),
        (Event.TRANSFER_CANCELLED, second),
    ]
    assert told(endpoints) == {"sender": both, "receiver": both, "bystander": []}


def test_the_sender_is_told_to_drop_the_case_when_its_grace_period_ends(
    settings, time_machine, endpoints, case, owner, supervisor, other_ngo, receiving_lead,
    receiver_worker,
):  # fmt: skip
    settings.CASE_TRANSFER_SENDER_GRACE_DAYS = 30
    time_machine.move_to(dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC), tick=False)
    transfer = transfer_requested(case, owner, supervisor, other_ngo)
    transfer_accept(actor=receiving_lead, transfer=transfer, assigned_worker=receiver_worker)
    WebhookDelivery.objects.all().delete()

    transfer_sender_access_expire_due(today=dt.date(2026, 12, 30))
    assert told(endpoints) == {"sender": [], "receiver": [], "bystander": []}
    transfer_sender_access_expire_due(today=dt.date(2026, 12, 31))
    transfer_sender_access_expire_due(today=dt.date(2027, 1, 1))

    assert told(endpoints) == {
        "sender": [(Event.CASE_UNSHARED, f"/api/v1/cases/{case.pk}/")],
        "receiver": [],
        "bystander": [],
    }


def test_the_end_of_a_referral_does_not_unshare_a_case_from_the_organisation_that_now_owns_it(
    settings, endpoints, ngo, case, owner, supervisor, other_ngo, receiving_lead, receiver_worker
):
    """Referred to an organisation, then transferred to it: when the referral ends, the
    organisation still sees the case, its own, and is not told to drop it."""
    ngo.referral_access_grace_days = 0
    ngo.save()
    transfer = transfer_requested(case, owner, supervisor, other_ngo)  # consent to share it all
    referral = send(case, owner, other_ngo)
    referral_accept(actor=receiver_worker, referral=referral)
    transfer_accept(actor=receiving_lead, transfer=transfer, assigned_worker=receiver_worker)
    WebhookDelivery.objects.all().delete()

    referral_complete(actor=receiver_worker, referral=referral, outcome="Lawyer found.")

    resource = f"/api/v1/referrals/{referral.pk}/"
    assert told(endpoints) == {
        "sender": [(Event.REFERRAL_COMPLETED, resource)],
        "receiver": [(Event.REFERRAL_COMPLETED, resource)],
        "bystander": [],
    }
    assert not case.events.filter(kind="access_revoked", organisation=other_ngo).exists()


def test_a_case_handed_back_is_not_unshared_from_its_owner_when_the_first_grace_ends(
    settings, time_machine, endpoints, ngo, case, owner, supervisor, other_ngo, receiving_lead,
    receiver_worker,
):  # fmt: skip
    """Handed over and handed back within the grace period: the case is the first
    organisation's own again, and the end of that first grace period tells nobody to drop
    it, nor writes on the timeline that its access ended."""
    settings.CASE_TRANSFER_SENDER_GRACE_DAYS = 30
    time_machine.move_to(dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC), tick=False)
    transfer = transfer_requested(case, owner, supervisor, other_ngo)
    transfer_accept(actor=receiving_lead, transfer=transfer, assigned_worker=receiver_worker)
    time_machine.move_to(dt.datetime(2026, 12, 5, 3, 0, tzinfo=dt.UTC), tick=False)
    case.refresh_from_db()
    give_consent(case, receiver_worker, organisation=ngo, health=True)
    back = transfer_request(
        actor=receiving_lead, case=case, to_organisation=ngo, reason="She came home."
    )
    transfer_accept(actor=supervisor, transfer=back, assigned_worker=owner)
    WebhookDelivery.objects.all().delete()
    ended = case.events.filter(kind=EventKind.ACCESS_REVOKED).count()

    assert transfer_sender_access_expire_due(today=dt.date(2026, 12, 31)) == 0
    assert told(endpoints) == {"sender": [], "receiver": [], "bystander": []}
    assert case.events.filter(kind=EventKind.ACCESS_REVOKED).count() == ended
    # The organisation it went back from is told when its own grace period ends.
    transfer_sender_access_expire_due(today=dt.date(2027, 1, 4))
    assert told(endpoints)["receiver"] == [(Event.CASE_UNSHARED, f"/api/v1/cases/{case.pk}/")]
    assert told(endpoints)["sender"] == []


def test_a_referral_ending_does_not_unshare_a_case_a_grace_period_still_gives(
    settings, time_machine, endpoints, ngo, case, owner, supervisor, other_ngo, receiving_lead,
    receiver_worker,
):  # fmt: skip
    """The new owner refers the case back to the organisation that handed it over, which
    still reads it in its grace period; the survivor withdraws that consent: the referral's
    access ends, the grace period's does not, and nobody is told to drop the case."""
    settings.CASE_TRANSFER_SENDER_GRACE_DAYS = 30
    time_machine.move_to(dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC), tick=False)
    transfer = transfer_requested(case, owner, supervisor, other_ngo)
    transfer_accept(actor=receiving_lead, transfer=transfer, assigned_worker=receiver_worker)
    case.refresh_from_db()
    consent = give_consent(case, receiver_worker, organisation=ngo)
    referral_accept(actor=owner, referral=send(case, receiver_worker, ngo))
    WebhookDelivery.objects.all().delete()

    consent_withdraw(actor=receiver_worker, consent=consent)
    assert (Event.CASE_UNSHARED, f"/api/v1/cases/{case.pk}/") not in told(endpoints)["sender"]
    # When the grace period ends, it is.
    transfer_sender_access_expire_due(today=dt.date(2026, 12, 31))
    assert told(endpoints)["sender"][-1] == (Event.CASE_UNSHARED, f"/api/v1/cases/{case.pk}/")
