"""A third organisation sees nothing of a referral: 404 on every URL, empty lists."""

import pytest
from django.urls import reverse

from referrals import services
from referrals.models import Referral, Status
from referrals.selectors import referral_inbox_for, referral_outbox_for

from .helpers import send

pytestmark = pytest.mark.django_db


def referral_urls(referral):
    return [
        ("get", reverse("referrals:detail", args=[referral.pk])),
        ("post", reverse("referrals:accept", args=[referral.pk])),
        ("post", reverse("referrals:decline", args=[referral.pk])),
        ("post", reverse("referrals:start", args=[referral.pk])),
        ("post", reverse("referrals:complete", args=[referral.pk])),
        ("post", reverse("referrals:cancel", args=[referral.pk])),
        ("get", reverse("referrals:send", args=[referral.case_id])),
        ("post", reverse("referrals:send", args=[referral.case_id])),
    ]


@pytest.fixture
def referral(case, owner, other_ngo, consent):
    return send(case, owner, other_ngo)


@pytest.mark.parametrize("persona", ["stranger", "officer"])
def test_a_third_organisation_gets_404_on_every_referral_url(
    request, client_for, referral, persona
):
    client = client_for(request.getfixturevalue(persona))
    for method, url in referral_urls(referral):
        response = getattr(client, method)(url, {"decline_reason": "x", "outcome": "x"})
        assert response.status_code == 404, (persona, method, url)
        assert referral.case.case_number.encode() not in response.content
    assert Referral.objects.get(pk=referral.pk).status == Status.SENT
    assert Referral.objects.count() == 1


def test_a_third_organisation_sees_nothing_in_inbox_or_outbox(client_for, referral, stranger):
    assert list(referral_inbox_for(stranger)) == []
    assert list(referral_outbox_for(stranger)) == []
    client = client_for(stranger)
    for name in ("referrals:inbox", "referrals:outbox"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert referral.case.case_number.encode() not in response.content


def test_missing_and_forbidden_referrals_answer_alike(client_for, referral, stranger):
    client = client_for(stranger)
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    assert client.get(reverse("referrals:detail", args=[referral.pk + 99])).status_code == 404


def test_the_receiver_does_not_see_the_sender_outbox_nor_the_sender_its_inbox(
    referral, owner, outsider
):
    assert list(referral_inbox_for(outsider)) == [referral]
    assert list(referral_outbox_for(outsider)) == []
    assert list(referral_outbox_for(owner)) == [referral]
    assert list(referral_inbox_for(owner)) == []


def test_a_worker_limited_to_assigned_cases_does_not_see_others_referrals(
    ngo, referral, colleague, supervisor, client_for
):
    ngo.workers_see_assigned_only = True
    ngo.save()
    assert list(referral_outbox_for(colleague)) == []
    assert list(referral_outbox_for(supervisor)) == [referral]
    response = client_for(colleague).get(reverse("referrals:detail", args=[referral.pk]))
    assert response.status_code == 404


def test_the_receiver_may_not_send_the_sender_case_on(client_for, referral, outsider, third_ngo):
    services.referral_accept(actor=outsider, referral=referral)
    response = client_for(outsider).get(reverse("referrals:send", args=[referral.case_id]))
    assert response.status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(client, referral):
    for method, url in referral_urls(referral) + [
        ("get", reverse("referrals:inbox")),
        ("get", reverse("referrals:outbox")),
        ("get", reverse("referrals:overrides")),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login"))
