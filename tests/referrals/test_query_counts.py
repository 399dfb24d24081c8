"""Inbox, outbox, overrides and the case page's referral section cost the same number of
queries however many referrals they show."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referrals import services
from tests.cases.factories import CaseFactory

from .helpers import give_consent, send

pytestmark = pytest.mark.django_db

# Each page: session, user, membership with its organisation (select_related).
REQUEST_OVERHEAD = 3


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), [q["sql"] for q in captured.captured_queries]


def make_referrals(owner, supervisor, receiver, other_ngo, count):
    for number in range(count):
        case = CaseFactory(actor=owner)
        if number % 2:
            referral = send(case, supervisor, other_ngo, override_reason="Emergency.")
        else:
            give_consent(case, owner, organisation=other_ngo)
            referral = send(case, owner, other_ngo)
        if number % 3 == 0:
            services.referral_accept(actor=receiver, referral=referral)


@pytest.mark.parametrize("count", [2, 12])
@pytest.mark.parametrize("page", ["inbox", "outbox", "overrides"])
def test_list_pages_query_budget(
    client_for, owner, supervisor, org_admin, outsider, other_ngo, count, page
):
    make_referrals(owner, supervisor, outsider, other_ngo, count)
    user = {"inbox": outsider, "outbox": owner, "overrides": org_admin}[page]
    total, sql = queries_for(client_for(user), reverse(f"referrals:{page}"))
    # + paginator count, + the page of referrals with case, organisation and people joined;
    # + the audit row (the page's case ids); the inbox + the count of referrals from Primero.
    assert total == REQUEST_OVERHEAD + 3 + (page == "inbox"), sql


def render_section(user, case, rf):
    request = rf.get("/")
    request.user = user
    user.membership_or_none  # noqa: B018 (cached by every request before the page renders)
    template = Template("{% load referral_tags %}{% case_referrals case %}")
    with CaptureQueriesContext(connection) as captured:
        html = template.render(Context({"request": request, "case": case}))
    return len(captured), html


def test_case_page_referral_section_is_constant(client_for, owner, case, outsider, other_ngo, rf):
    give_consent(case, owner, organisation=other_ngo)
    sizes, sections = [], []
    # One open referral per service (the database's rule), so each is for another service.
    services_offered = iter(["shelter", "medical_care", "education", "repatriation", "hiv_care"])
    for count in (1, 5):
        while case.referrals.count() < count:
            referral = send(case, owner, other_ngo, service=next(services_offered))
            if case.referrals.count() % 2:
                services.referral_accept(actor=outsider, referral=referral)
        owner.refresh_from_db()  # drop the cached membership, as a new request would
        sizes.append(queries_for(client_for(owner), reverse("cases:detail", args=[case.pk]))[0])
        section_queries, html = render_section(owner, case, rf)
        assert html.count("<li>") == count
        sections.append(section_queries)
    # The whole case page costs the same with 1 or 5 referrals.
    assert sizes[0] == sizes[1]
    # The section itself: the case's referrals with both organisations joined.
    assert sections == [1, 1]


@pytest.mark.parametrize("count", [1, 6])
def test_referral_page_query_budget(client_for, owner, case, outsider, other_ngo, count):
    give_consent(case, owner, organisation=other_ngo)
    referral = send(case, owner, other_ngo)
    services.referral_accept(actor=outsider, referral=referral)
    for _ in range(count):
        other = send(case, owner, other_ngo, service="shelter")
        services.referral_cancel(actor=owner, referral=other)
    total, sql = queries_for(client_for(owner), reverse("referrals:detail", args=[referral.pk]))
    # + the referral with case, organisations, consent and people joined; + its history;
    # + the audit row.
    assert total == REQUEST_OVERHEAD + 3, sql
