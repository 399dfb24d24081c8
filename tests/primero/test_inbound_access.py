"""Referrals from Primero are read by the organisation they are addressed to, and no one
else."""

import pytest
from django.urls import reverse

from primero import sync
from primero.models import InboundReferral

from .conftest import RECIPIENT

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbound(primero, connection):
    record = primero.add_case(name="Chan Dara", sex="female")
    primero.refer(record, to=RECIPIENT, service="shelter")
    sync.sync_cycle()
    return InboundReferral.objects.get()


@pytest.mark.parametrize("user", ["outsider", "officer"])
def test_outsiders_find_nothing(request, user, inbound, client_for):
    client = client_for(request.getfixturevalue(user))
    assert client.get(reverse("primero:inbound-detail", args=[inbound.pk])).status_code == 404
    listing = client.get(reverse("primero:inbound"))
    assert "Chan Dara" not in listing.content.decode()
    response = client.post(
        reverse("primero:inbound-decline", args=[inbound.pk]), {"decline_reason": "x"}
    )
    assert response.status_code == 404
    inbound.refresh_from_db()
    assert inbound.status == "sent"


def test_reading_it_is_audited(inbound, owner, client_for):
    from audit.models import AccessEvent

    client_for(owner).get(reverse("primero:inbound-detail", args=[inbound.pk]))
    assert AccessEvent.objects.filter(user=owner, action="view").exists()


def test_a_referral_revoked_in_primero_is_shown_revoked(primero, inbound):
    [transition] = primero.referrals.values()
    transition["status"] = "revoked"
    sync.sync_cycle()
    inbound.refresh_from_db()
    assert inbound.status == "revoked"
    assert inbound.shared == {}


def test_an_empty_decline_is_a_form_error(inbound, owner, client_for):
    response = client_for(owner).post(
        reverse("primero:inbound-decline", args=[inbound.pk]), {"decline_reason": " "}
    )
    assert response.status_code == 400


def test_the_inbox_says_how_many_wait_and_only_to_the_organisation(
    inbound, owner, outsider, client_for, client
):
    page = client_for(owner).get(reverse("referrals:inbox")).content.decode()
    assert "1 referral from Primero is waiting for an answer." in page
    client.logout()
    page = client_for(outsider).get(reverse("referrals:inbox")).content.decode()
    assert "from Primero is waiting" not in page
