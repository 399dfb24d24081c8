"""States, who moves them, and the timeline entry every move leaves."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import CaseEvent, EventKind
from organisations.models import Role
from referrals import services
from referrals.models import Referral, Status
from tests.organisations.factories import UserFactory

from .helpers import give_consent, send

pytestmark = pytest.mark.django_db


def referral_notes(case):
    events = CaseEvent.objects.filter(case=case, kind=EventKind.REFERRAL).order_by("id")
    return [(event.organisation_id, event.text) for event in events]


def test_every_state_change_is_on_the_timeline_naming_the_other_organisation(
    case, owner, receiver_worker, other_ngo, consent
):
    referral = send(case, owner, other_ngo)
    services.referral_accept(actor=receiver_worker, referral=referral)
    services.referral_start(actor=receiver_worker, referral=referral)
    services.referral_complete(actor=receiver_worker, referral=referral, outcome="Case filed.")
    declined = send(case, owner, other_ngo, service="shelter")
    services.referral_decline(actor=receiver_worker, referral=declined, reason="Full.")
    cancelled = send(case, owner, other_ngo, service="education")
    services.referral_cancel(actor=owner, referral=cancelled)

    assert referral_notes(case) == [
        (other_ngo.pk, "Referred to Other Province NGO for legal aid"),
        (other_ngo.pk, "Accepted by Other Province NGO"),
        (other_ngo.pk, "Service started by Other Province NGO"),
        (other_ngo.pk, "Completed by Other Province NGO"),
        (other_ngo.pk, "Referred to Other Province NGO for shelter"),
        (other_ngo.pk, "Declined by Other Province NGO"),
        (other_ngo.pk, "Referred to Other Province NGO for education"),
        (other_ngo.pk, "Referral to Other Province NGO cancelled by Homecoming Test Shelter"),
    ]
    referral.refresh_from_db()
    assert referral.status == Status.COMPLETED
    assert referral.answered_by == receiver_worker
    assert referral.outcome == "Case filed."
    assert referral.completed_at is not None


def test_both_organisations_see_the_history_on_the_referral_page(
    case, owner, outsider, other_ngo, consent, client_for
):
    referral = send(case, owner, other_ngo)
    services.referral_decline(actor=outsider, referral=referral, reason="Full.")
    for user in (owner, outsider):
        page = client_for(user).get(reverse("referrals:detail", args=[referral.pk]))
        assert b"Declined by Other Province NGO" in page.content
        assert b"Full." in page.content


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        ([], "start"),
        ([], "complete"),
        (["accept"], "accept"),
        (["accept"], "decline"),
        (["decline"], "accept"),
        (["decline"], "cancel"),
        (["accept", "complete"], "cancel"),
        (["accept", "complete"], "start"),
        (["cancel"], "accept"),
        (["accept", "start"], "start"),
    ],
)
def test_illegal_transitions_are_refused(case, owner, outsider, other_ngo, consent, setup, action):
    referral = send(case, owner, other_ngo)

    def run(name):
        if name == "cancel":
            return services.referral_cancel(actor=owner, referral=referral)
        extra = {"decline": {"reason": "No."}, "complete": {"outcome": "Done."}}.get(name, {})
        service = getattr(services, f"referral_{name}")
        return service(actor=outsider, referral=referral, **extra)

    for name in setup:
        run(name)
    status = Referral.objects.get(pk=referral.pk).status
    events = CaseEvent.objects.count()
    with pytest.raises(ValidationError, match="cannot become"):
        run(action)
    assert Referral.objects.get(pk=referral.pk).status == status
    assert CaseEvent.objects.count() == events


def test_only_the_receiver_answers(case, owner, supervisor, stranger, other_ngo, consent):
    referral = send(case, owner, other_ngo)
    for user in (owner, supervisor, stranger):
        with pytest.raises(PermissionDenied):
            services.referral_accept(actor=user, referral=referral)
        with pytest.raises(PermissionDenied):
            services.referral_decline(actor=user, referral=referral, reason="x")
    assert Referral.objects.get(pk=referral.pk).status == Status.SENT


def test_only_the_sender_cancels(case, owner, outsider, receiver_worker, other_ngo, consent):
    referral = send(case, owner, other_ngo)
    for user in (outsider, receiver_worker):
        with pytest.raises(PermissionDenied):
            services.referral_cancel(actor=user, referral=referral)
    services.referral_cancel(actor=owner, referral=referral)


def test_only_who_can_edit_the_case_sends(case, outsider, officer, other_ngo, consent):
    for user in (outsider, officer):
        with pytest.raises(PermissionDenied):
            send(case, user, other_ngo)


def test_a_ministry_officer_answers_a_referral_to_the_ministry(case, owner, officer, ministry):
    give_consent(case, owner, kind="ministry")
    referral = send(case, owner, ministry)
    services.referral_accept(actor=officer, referral=referral)
    assert Referral.objects.get(pk=referral.pk).status == Status.ACCEPTED


def test_an_ngo_member_without_a_casework_role_cannot_answer(case, owner, other_ngo, consent):
    # A ministry officer role outside a ministry (set up by hand) answers nothing.
    odd = UserFactory(organisation=other_ngo, role=Role.MINISTRY_OFFICER)
    referral = send(case, owner, other_ngo)
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=odd, referral=referral)


def test_decline_needs_a_reason_and_complete_an_outcome(
    case, owner, outsider, other_ngo, consent, client_for
):
    referral = send(case, owner, other_ngo)
    client = client_for(outsider)
    response = client.post(reverse("referrals:decline", args=[referral.pk]), {"decline_reason": ""})
    assert response.status_code == 400
    assert "decline_reason" in response.context["decline_form"].errors
    with pytest.raises(ValidationError):
        services.referral_decline(actor=outsider, referral=referral, reason="  ")

    services.referral_accept(actor=outsider, referral=referral)
    response = client.post(reverse("referrals:complete", args=[referral.pk]), {"outcome": ""})
    assert response.status_code == 400
    assert "outcome" in response.context["complete_form"].errors
    assert Referral.objects.get(pk=referral.pk).status == Status.ACCEPTED


def test_a_closed_case_is_not_referred(case, owner, supervisor, other_ngo, consent):
    from tests.plans.factories import close_case

    close_case(case, requested_by=owner, approved_by=supervisor, reason="other")
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="closed case"):
        send(case, owner, other_ngo)


def test_the_whole_flow_through_the_pages(case, owner, outsider, other_ngo, consent, client_for):
    sender = client_for(owner)
    response = sender.post(
        reverse("referrals:send", args=[case.pk]),
        {
            "to_organisation": other_ngo.pk,
            "service": "legal_aid",
            "urgency": "urgent",
            "reason": "Trial next month.",
            "shares_identity": "on",
            "shares_case_facts": "on",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    outbox = sender.get(reverse("referrals:outbox"))
    assert case.case_number.encode() in outbox.content
    assert b"Other Province NGO" in outbox.content

    receiver = client_for(outsider)
    inbox = receiver.get(reverse("referrals:inbox"))
    assert case.case_number.encode() in inbox.content
    detail = receiver.get(reverse("referrals:detail", args=[referral.pk]))
    assert b"Accept the referral" in detail.content
    assert b"Cancel the referral" not in detail.content
    receiver.post(reverse("referrals:accept", args=[referral.pk]))
    receiver.post(reverse("referrals:start", args=[referral.pk]))
    receiver.post(reverse("referrals:complete", args=[referral.pk]), {"outcome": "Acquitted."})
    referral.refresh_from_db()
    assert referral.status == Status.COMPLETED

    # A refused action comes back as a message on the referral page.
    response = client_for(owner).post(reverse("referrals:cancel", args=[referral.pk]), follow=True)
    assert b"cannot become" in response.content


def test_the_case_page_section_lists_referrals_and_offers_to_refer(
    case, owner, outsider, other_ngo, consent, client_for
):
    page = client_for(owner).get(reverse("cases:detail", args=[case.pk]))
    assert b"Refer this case" in page.content
    referral = send(case, owner, other_ngo)
    services.referral_accept(actor=outsider, referral=referral)
    page = client_for(owner).get(reverse("cases:detail", args=[case.pk]))
    assert reverse("referrals:detail", args=[referral.pk]).encode() in page.content
    receiver_page = client_for(outsider).get(reverse("cases:detail", args=[case.pk]))
    assert b"From Homecoming Test Shelter" in receiver_page.content
    assert b"Refer this case" not in receiver_page.content


def test_an_answer_records_the_days_it_took_in_phnom_penh_dates(
    case, owner, receiver_worker, other_ngo, consent
):
    import datetime as dt

    from django.utils import timezone

    # Sent three Phnom Penh days ago, late in the evening: three days, however many hours.
    three_days_ago = timezone.localdate() - dt.timedelta(days=3)
    late = timezone.make_aware(dt.datetime.combine(three_days_ago, dt.time(23, 30)))
    accepted = send(case, owner, other_ngo)
    declined = send(case, owner, other_ngo, service="shelter")
    Referral.objects.filter(pk__in=[accepted.pk, declined.pk]).update(sent_at=late)
    accepted.refresh_from_db()
    declined.refresh_from_db()

    services.referral_accept(actor=receiver_worker, referral=accepted)
    services.referral_decline(actor=receiver_worker, referral=declined, reason="Full.")

    assert Referral.objects.get(pk=accepted.pk).answer_days == 3
    assert Referral.objects.get(pk=declined.pk).answer_days == 3
    assert send(case, owner, other_ngo, service="education").answer_days is None
