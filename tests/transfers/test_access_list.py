"""The case page's "Shared with" names the other organisations that read the case now: never
the organisation that holds it, though a referral of the case to it still holds access."""

import pytest
from django.urls import reverse

from referrals.services import referral_accept
from tests.referrals.helpers import give_consent, send
from transfers.services import transfer_accept, transfer_request

pytestmark = pytest.mark.django_db


def test_the_new_owner_is_not_listed_as_shared_with_through_its_own_referral(
    client_for, case, owner, supervisor, other_ngo, new_lead, new_worker
):
    give_consent(case, owner, organisation=other_ngo, health=True)
    referral = send(case, owner, other_ngo)
    referral_accept(actor=new_worker, referral=referral)
    transfer = transfer_request(
        actor=supervisor, case=case, to_organisation=other_ngo, reason="She moved."
    )
    transfer_accept(actor=new_lead, transfer=transfer, assigned_worker=new_worker)

    page = client_for(new_lead).get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    assert other_ngo not in page.context["shared_with"]
    # The former owner reads it in its grace period: it is listed.
    assert case.organisation in page.context["shared_with"]
