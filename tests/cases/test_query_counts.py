"""Case list and case page cost the same number of queries however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.services import consent_record
from tests.cases.factories import CaseFactory, log_session
from tests.referrals.helpers import share

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
    share(shared, other_ngo)
    count, sql = queries_for(client_for(owner), reverse("cases:list"))
    # + provinces for the filter; + the page's case ids in caseload order with the count of
    # all and what other organisations share of each; + those cases with organisation,
    # worker and province joined and the next visit as a subquery; + the audit row.
    assert count == REQUEST_OVERHEAD + 4, sql


def _receiver_with_shared_cases(owner, other_ngo):
    from organisations.models import Role
    from tests.organisations.factories import UserFactory

    receiver = UserFactory(organisation=other_ngo, role=Role.SUPERVISOR)
    CaseFactory(actor=receiver)
    for n in range(3):
        share(CaseFactory(actor=owner), other_ngo, identity=n % 2 == 0, case_facts=n < 2)
    return receiver


def test_a_filtered_caseload_reads_what_others_share_once(client_for, owner, other_ngo):
    """The referrals and transfers that share cases with the organisation are read in one
    query, not again as a subquery of the count, of every sort key and filter of the
    page and of its rows (for a 20,000-case NGO receiving 1,800 cases, most of its time)."""
    receiver = _receiver_with_shared_cases(owner, other_ngo)
    url = reverse("cases:list") + "?risk=medium&age=adult&nationality=foreign"
    _count, sql = queries_for(client_for(receiver), url)
    reading_sharing = [q for q in sql if "referrals_referral" in q]
    assert len(reading_sharing) == 1, reading_sharing
    assert reading_sharing[0].count('FROM "referrals_referral"') == 1


def test_the_caseload_picks_its_page_from_the_grants_with_what_each_shares(
    client_for, owner, other_ngo
):
    """Not filtered, the page of ids is picked from the referrals' rows, in the one statement
    that picks it (once for the cases they share, once for the transfers no referral
    overrides), each row with what its referrals share: never from the shared cases
    themselves, nor again for the page's rows."""
    receiver = _receiver_with_shared_cases(owner, other_ngo)
    _count, sql = queries_for(client_for(receiver), reverse("cases:list"))
    [page_of_ids] = [q for q in sql if "referrals_referral" in q]
    assert page_of_ids.startswith("WITH ")
    assert page_of_ids.count('FROM "referrals_referral"') == 2
    assert '"cases_case"."id" IN (' not in page_of_ids


@pytest.mark.parametrize("rows", [1, 6])
def test_case_page_query_budget(client_for, owner, other_ngo, rows):
    case = CaseFactory(actor=owner)
    share(case, other_ngo)
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
    # + the cross-border return (none here; its steps cost 1 more, tests/returns);
    # + the audit row ("Opened by" is for supervisors: none for the worker); + documents
    # (the consents and plan versions a document may be attached to are the page's own);
    # + the forms of exploitation with their provinces; + a request to close the case
    # waiting (the phase section says so rather than offer to ask again).
    assert count == REQUEST_OVERHEAD + 16, sql


@pytest.mark.parametrize("cases", [2, 12])
def test_a_receivers_caseload_and_filters_cost_the_same_however_many_shared_cases(
    client_for, owner, other_ngo, cases
):
    from organisations.models import Role
    from tests.organisations.factories import UserFactory

    receiver = UserFactory(organisation=other_ngo, role=Role.SOCIAL_WORKER)
    for n in range(cases):
        share(CaseFactory(actor=owner), other_ngo, identity=n % 2 == 0, case_facts=n % 3 == 0)
    client = client_for(receiver)
    count, sql = queries_for(client, reverse("cases:list"))
    # As the owner's: what each row reveals is read with the page of ids.
    assert count == REQUEST_OVERHEAD + 4, sql
    # Filtered: + what other organisations share, read first, for the filters of each part.
    filtered, sql = queries_for(client, reverse("cases:list") + "?risk=medium&age=adult")
    assert filtered == REQUEST_OVERHEAD + 5, sql


@pytest.mark.parametrize("rows", [1, 6])
def test_a_receivers_case_page_costs_the_same_however_many_rows(client_for, owner, other_ngo, rows):
    from organisations.models import Role
    from tests.organisations.factories import UserFactory

    receiver = UserFactory(organisation=other_ngo, role=Role.SOCIAL_WORKER)
    case = CaseFactory(actor=owner)
    share(case, other_ngo, identity=True, case_facts=True)
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
    count, sql = queries_for(client_for(receiver), reverse("cases:detail", args=[case.pk]))
    # + the case, looked for among the organisation's own, then among those shared; + what
    # its referrals share; + consents (those that tell of health left out in the same
    # query); + referrals; + next visits; + last visit; + health-service organisations
    # (timeline); + timeline; + the audit row; + the documents it may see; + the forms of
    # exploitation. No sessions: they are health.
    assert count == REQUEST_OVERHEAD + 12, sql


@pytest.mark.parametrize("cases", [2, 20])
def test_team_page_query_budget(client_for, owner, supervisor, cases):
    import datetime as dt

    from django.utils import timezone

    for number in range(cases):
        case = CaseFactory(actor=owner, intake_date=timezone.localdate() - dt.timedelta(days=90))
        if number % 2:
            log_session(actor=owner, case=case, session_date=case.intake_date)
    count, sql = queries_for(client_for(supervisor), reverse("cases:team"))
    # + open cases without contact (the last contact stored on the case, the next visit as a
    # subquery); + the workers who left with cases still theirs; + cases needing a worker;
    # + the audit row; + how many workers the team has; + the page of them with open cases
    # counted in a subquery; + addresses refusing e-mail.
    assert count == REQUEST_OVERHEAD + 7, sql
