"""The case page's documents section, the consent's and the plan's document pages cost the
same however many documents they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.services import document_upload
from referrals import services as referrals
from tests.plans.factories import approved_plan
from tests.referrals.helpers import give_consent, send

from .conftest import upload

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_documents(case, owner, count, **attached):
    for number in range(count):
        document_upload(
            actor=owner,
            case=case,
            file=upload(f"scan {number}.pdf"),
            category=["identity", "health", "consent_form", "other"][number % 4],
            **attached,
        )


def counts(url, case, owner, user, client_for, **attached) -> tuple[int, int]:
    """Queries of the page with 2 documents, then with 10."""
    add_documents(case, owner, 2, **attached)
    few = queries(client_for(user), url)
    add_documents(case, owner, 8, **attached)
    return few, queries(client_for(user), url)


def test_the_case_page_costs_the_same(case, owner, client_for):
    consent = give_consent(case, owner, purpose="services")
    approved_plan(case, owner)
    url = reverse("cases:detail", args=[case.pk])
    few, many = counts(url, case, owner, owner, client_for)
    assert few == many
    add_documents(case, owner, 3, consent=consent)
    for _ in range(3):  # more consents to attach documents to
        give_consent(case, owner, purpose="services")
    assert queries(client_for(owner), url) == few


def test_the_case_page_of_a_receiving_organisation_costs_the_same(
    case, owner, other_ngo, outsider, client_for
):
    give_consent(case, owner, organisation=other_ngo)
    referrals.referral_accept(actor=outsider, referral=send(case, owner, other_ngo))
    url = reverse("cases:detail", args=[case.pk])
    few, many = counts(url, case, owner, outsider, client_for)
    assert few == many


def test_the_consent_page_costs_the_same(case, owner, client_for):
    consent = give_consent(case, owner, purpose="services")
    url = reverse("documents:consent", args=[case.pk, consent.pk])
    few, many = counts(url, case, owner, owner, client_for, consent=consent)
    assert few == many


def test_the_plan_page_costs_the_same(case, owner, client_for):
    plan = approved_plan(case, owner)
    url = reverse("documents:plan", args=[case.pk, plan.pk])
    few, many = counts(url, case, owner, owner, client_for, plan=plan)
    assert few == many
