"""Every list endpoint costs the same number of queries for 2 rows as for 12."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followup.services import community_resource_create, visit_add
from organisations.models import Role
from plans.models import Action, Domain
from plans.services import (
    assessment_record,
    closure_request,
    community_preparation_record,
    family_assessment_record,
    livelihood_record,
    service_record,
)
from referrals.services import referral_accept
from tests.api.conftest import plan_approved
from tests.cases.factories import CaseFactory, log_session
from tests.legal.factories import full_proceeding
from tests.organisations.factories import OrganisationFactory, UserFactory
from tests.referrals.helpers import give_consent, send, share, unshare
from tests.returns.factories import started
from transfers.services import transfer_request

pytestmark = pytest.mark.django_db

# Each request: the key with its service user, membership and organisation (one query).
# Then per list: the page, plus what the page needs in one query each, plus the audit row
# on lists of survivor data (all but the directories of resources, organisations, provinces).
BUDGETS = {
    # + the cases read as they stood at a handover (the order of change); + page of cases
    # with organisation and sensitive facts; + their forms of exploitation; + referral
    # shares for the page's cases of other organisations. On PostgreSQL, which reads the
    # page in parts, + the own part's last row of the page, where the shared part ends.
    "/api/v1/cases/": 6 + (connection.vendor == "postgresql"),
    # + page with case and organisation shared with; + referral shares.
    "/api/v1/consents/": 4,
    "/api/v1/counselling-sessions/": 4,
    # + page with case and both organisations; + referral shares.
    "/api/v1/referrals/": 4,
    # + page with case; + resources of the page's visits; + referral shares.
    "/api/v1/visits/": 5,
    # + page with case; + hearings, protection measures and compensation of the page's
    # proceedings; + referral shares.
    "/api/v1/legal-proceedings/": 7,
    # + page with proceeding and case; + referral shares.
    "/api/v1/hearings/": 4,
    "/api/v1/community-resources/": 2,
    "/api/v1/organisations/": 2,
    "/api/v1/provinces/": 2,
    "/api/v1/tombstones/": 3,
    # + page of returns with their case and family assessment; + their steps; + referral
    # shares.
    "/api/v1/returns/": 5,
    # + page of transfers with case and both organisations (the organisation's own cases).
    "/api/v1/transfers/": 3,
    # The plan's records, of the organisation's own cases only: + page with case; + audit row.
    # Plans: + goals of the page; + their actions.
    "/api/v1/plans/": 5,
    # + scores of the page.
    "/api/v1/assessments/": 4,
    "/api/v1/approvals/": 3,
    "/api/v1/services-delivered/": 3,
    "/api/v1/family-assessments/": 3,
    "/api/v1/community-preparation/": 3,
    "/api/v1/livelihood-facts/": 3,
}


def add_plan_records(case, *, owner, supervisor, resource) -> None:
    """A case's plan approved, assessed, prepared for, with a service and a job, and closing
    asked for: one row of each plan resource."""
    today = timezone.localdate()
    plan = plan_approved(case, owner, supervisor)
    assessment_record(
        actor=owner, case=case, assessed_on=today, occasion="intake",
        scores={domain: (3, "") for domain in Domain.values},
    )  # fmt: skip
    family_assessment_record(
        actor=owner, case=case, visited_on=today, people_met="Mother",
        family_attitude="supportive", community_attitude="supportive", recommendation="return",
    )  # fmt: skip
    community_preparation_record(
        actor=owner, case=case, resource=resource, met_on=today, agreed_to="Visit her."
    )
    livelihood_record(actor=owner, case=case, kind="placement", monthly_income_riel=600_000)
    service_record(
        actor=owner, action=Action.objects.filter(goal__plan=plan).get(), delivered_on=today,
        provider="Our social worker",
    )  # fmt: skip
    closure_request(actor=owner, case=case, reason="lost_contact")


def add_rows(count, *, owner, third_ngo, receiver, partner_worker, tag):
    next_year = timezone.localdate() + dt.timedelta(days=300)
    for n in range(count):
        case = CaseFactory(actor=owner)
        give_consent(case, owner, organisation=third_ngo, health=True)
        log_session(actor=owner, case=case)
        send(case, owner, third_ngo)
        visit_add(actor=owner, case=case, scheduled_for=next_year)
        full_proceeding(case, owner)
        resource = community_resource_create(
            actor=owner, kind="pagoda", name=f"Wat {tag} {n}", province=case.origin_province
        )
        add_plan_records(case, owner=owner, supervisor=receiver, resource=resource)
        transfer_request(actor=receiver, case=case, to_organisation=third_ngo, reason="She moved.")
        OrganisationFactory()
        # A case of another organisation shared with this one, then a tombstone of another.
        theirs = CaseFactory(actor=partner_worker)
        # Sharing health: counselling sessions are health data, and the key's own
        # organisation's are not shown to an API client.
        give_consent(
            theirs, partner_worker, organisation=owner.membership.organisation, health=True
        )
        referral = send(theirs, partner_worker, owner.membership.organisation, shares_health=True)
        referral_accept(actor=receiver, referral=referral)
        log_session(actor=partner_worker, case=theirs)
        started(theirs, partner_worker)
        visit_add(actor=partner_worker, case=theirs, scheduled_for=next_year)
        full_proceeding(theirs, partner_worker)
        gone = CaseFactory(actor=partner_worker)
        share(gone, owner.membership.organisation)
        unshare(gone, owner.membership.organisation)


def counts(api) -> dict[str, int]:
    api.get("/api/v1/provinces/")  # stamps the key's last use, which is not per list
    measured = {}
    for path in BUDGETS:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(path)
        assert response.status_code == 200, response.content
        measured[path] = (len(captured), len(response.json()["results"]))
    return measured


def test_every_list_costs_the_same_for_2_and_12_rows(ngo_api, owner, supervisor, third_ngo):
    partner_worker = UserFactory(organisation=third_ngo, role=Role.SOCIAL_WORKER)
    rows = {"owner": owner, "third_ngo": third_ngo, "partner_worker": partner_worker}
    add_rows(2, receiver=supervisor, tag="a", **rows)
    small = counts(ngo_api)
    add_rows(10, receiver=supervisor, tag="b", **rows)
    large = counts(ngo_api)
    for path, budget in BUDGETS.items():
        (few, few_rows), (many, many_rows) = small[path], large[path]
        assert few_rows < many_rows or path == "/api/v1/provinces/", path
        assert few == many == budget, (path, small[path], large[path])
