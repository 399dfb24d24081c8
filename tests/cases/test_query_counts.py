"""Case list and case page cost the same number of queries however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.services import case_access_grant, consent_record
from tests.cases.factories import CaseFactory, log_session

pytestmark = pytest.mark.django_db

# Each page: session, user, membership with its organisation (select_related).
REQUEST_OVERHEAD = 3


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("cases", [2, 20])
def test_case_list_query_budget(client_for, owner, other_ngo, cases):
    for _ in range(cases):
        CaseFactory(actor=owner)
    shared = CaseFactory(actor=owner)
    case_access_grant(actor=owner, case=shared, organisation=other_ngo)
    count, sql = queries_for(client_for(owner), reverse("cases:list"))
    # + the count; + provinces for the filter; + the page's case ids in caseload order;
    # + those cases with organisation, worker and province joined and next visit, last
    # contact and identity as subqueries; + the audit row (the page's case ids).
    assert count == REQUEST_OVERHEAD + 5, sql


@pytest.mark.parametrize("rows", [1, 6])
def test_case_page_query_budget(client_for, owner, other_ngo, rows):
    case = CaseFactory(actor=owner)
    case_access_grant(actor=owner, case=case, organisation=other_ngo)
    for _ in range(rows):
        log_session(actor=owner, case=case)
        consent_record(
            actor=owner,
            case=case,
            given_by="survivor",
            purpose="services",
            given_on=case.intake_date,
            covers_identity=True,
        )
    count, sql = queries_for(client_for(owner), reverse("cases:detail", args=[case.pk]))
    # + the case with its organisation, worker and places; + sensitive facts; + consents;
    # + sessions with counsellors; + referrals; + next visits; + last visit;
    # + organisations it is shared with; + timeline with actors; + the reintegration plan's
    # versions; + legal proceedings (none here; their details cost 3 more, tests/legal);
    # + the audit row ("Opened by" is for supervisors: none for the worker).
    assert count == REQUEST_OVERHEAD + 12, sql
