"""A double tap, a resend after a timeout or parallel API posts create one referral."""

import threading

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.test import Client
from django.urls import reverse

from referrals.models import Referral, Status
from tests.conftest import need_service
from tests.referrals.helpers import give_consent, send

from .helpers import hidden

pytestmark = pytest.mark.django_db

REFERRAL = {
    "service": "legal_aid",
    "urgency": "urgent",
    "reason": "Needs a lawyer for the trial.",
    "shares_identity": "on",
}


@pytest.fixture
def ngo_api(ngo):
    from rest_framework.test import APIClient

    from api.services import api_key_create

    _key, plaintext = api_key_create(actor=None, organisation=ngo, name="Shelter database")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    return api


@pytest.fixture
def consented(case, owner, other_ngo):
    give_consent(case, owner, organisation=other_ngo)
    return case


def form_of(client, case, other_ngo) -> dict:
    page = client.get(reverse("referrals:send", args=[case.pk]))
    token = hidden(page, "submission")
    return {**REFERRAL, "to_organisation": other_ngo.pk, "submission": token}


def test_the_same_form_sent_twice_creates_one_referral_and_shows_it(
    consented, owner, other_ngo, client_for
):
    client = client_for(owner)
    data = form_of(client, consented, other_ngo)
    url = reverse("referrals:send", args=[consented.pk])
    first = client.post(url, data)
    second = client.post(url, data)
    referral = Referral.objects.get(case=consented)
    assert (
        first["Location"] == second["Location"] == reverse("referrals:detail", args=[referral.pk])
    )
    assert b"already sent" in client.get(second["Location"]).content


def test_a_second_form_for_an_open_referral_shows_the_existing_one(
    consented, owner, other_ngo, client_for
):
    client = client_for(owner)
    url = reverse("referrals:send", args=[consented.pk])
    client.post(url, form_of(client, consented, other_ngo))
    again = client.post(url, form_of(client, consented, other_ngo))
    referral = Referral.objects.get(case=consented)
    assert again.status_code == 302
    assert again["Location"] == reverse("referrals:detail", args=[referral.pk])


def test_api_posts_without_idempotency_key_create_one_referral(consented, other_ngo, ngo_api):
    body = {
        "case": consented.pk,
        "to_organisation": other_ngo.slug,
        "service": "legal_aid",
        "reason": "Trial in Phnom Penh.",
        "shares_identity": True,
    }
    answers = [ngo_api.post("/api/v1/referrals/", body, format="json") for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 400, 400]
    assert answers[1]["Content-Type"] == "application/problem+json"
    assert "already has an open referral" in str(answers[1].json()["errors"])
    assert Referral.objects.filter(case=consented).count() == 1


def test_the_database_refuses_a_second_open_referral(consented, owner, other_ngo):
    first = send(consented, owner, other_ngo)
    duplicate = Referral.objects.get(pk=first.pk)
    duplicate.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # Closed referrals do not count: once ended, the same service may be asked again.
    Referral.objects.filter(pk=first.pk).update(status=Status.DECLINED)
    send(consented, owner, other_ngo)
    assert Referral.objects.filter(case=consented).count() == 2


@pytest.mark.django_db(transaction=True)
def test_parallel_web_posts_create_one_referral(places, ngo, other_ngo, owner):
    need_service(connection.vendor == "postgresql", "parallel writes need PostgreSQL")
    from tests.cases.factories import CaseFactory

    case = CaseFactory(actor=owner)
    give_consent(case, owner, organisation=other_ngo)
    client = Client()
    client.force_login(owner)
    same_token = form_of(client, case, other_ngo)
    forms = [same_token, same_token, same_token] + [
        form_of(client, case, other_ngo) for _ in range(3)
    ]
    statuses = []
    start = threading.Barrier(len(forms))

    def post(data):
        worker = Client()
        worker.force_login(owner)
        start.wait()
        try:
            statuses.append(
                worker.post(reverse("referrals:send", args=[case.pk]), data).status_code
            )
        finally:
            close_old_connections()

    threads = [threading.Thread(target=post, args=(data,)) for data in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * len(forms)
    assert Referral.objects.filter(case=case).count() == 1


def test_an_intake_sent_twice_registers_one_survivor(places, owner, client_for):
    from cases.models import Case
    from tests.cases.factories import a_village

    client = client_for(owner)
    page = client.get(reverse("cases:create"))
    village = a_village()
    commune = village.commune
    data = {
        "submission": hidden(page, "submission"),
        "consent_given_by": "survivor",
        "consent_identity": "on",
        "consent_given_on": page.context["form"]["consent_given_on"].value().isoformat(),
        "name_latin": "Chan Sophea",
        "sex": "female",
        "date_of_birth": "2001-04-02",
        "origin_province": commune.district.province_id,
        "origin_district": commune.district_id,
        "origin_commune": commune.pk,
        "origin_village": village.pk,
        "nationality": "KH",
        "exploitations": ["forced_labour"],
        "movement": "cross_border",
        "destination_country": "TH",
        "how_identified": "police_raid",
        "intake_date": page.context["form"]["intake_date"].value().isoformat(),
        "risk_level": "medium",
    }
    first = client.post(reverse("cases:create"), data)
    assert first.status_code == 302, first.context["form"].errors
    second = client.post(reverse("cases:create"), data)
    assert second["Location"] == first["Location"]
    assert Case.objects.filter(name_latin="Chan Sophea").count() == 1
