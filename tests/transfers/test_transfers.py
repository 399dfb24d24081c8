"""Transferring a case to another organisation: consent-gated like a referral, answered by the
receiver's supervisor, moving ownership; the sender reads identity and case facts as they
were on acceptance until its grace period ends, then sees nothing: not on the page, not in
the API, not in search or in the caseload's count."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.services import api_key_create
from audit.models import AccessEvent
from cases.models import CaseEvent, EventKind
from cases.permissions import can_edit_case, visible_case_categories
from followup.models import FollowUpVisit
from followup.services import visit_add
from tests.cases.factories import CaseFactory
from tests.referrals.helpers import give_consent
from transfers import services
from transfers.models import Transfer, TransferStatus
from transfers.tasks import transfer_sender_access_expire

pytestmark = pytest.mark.django_db

NAME = "Sreyneang"
# 10:00 in Phnom Penh on 1 December 2026.
NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def consented(case, owner, other_ngo):
    give_consent(case, owner, organisation=other_ngo, health=True)
    return case


def request(case, supervisor, other_ngo) -> Transfer:
    return services.transfer_request(
        actor=supervisor, case=case, to_organisation=other_ngo,
        reason="The survivor moved to Battambang with her aunt.",
    )  # fmt: skip


def accepted(case, supervisor, other_ngo, new_lead, new_worker) -> Transfer:
    transfer = request(case, supervisor, other_ngo)
    return services.transfer_accept(actor=new_lead, transfer=transfer, assigned_worker=new_worker)


def api_client(organisation) -> APIClient:
    _key, plaintext = api_key_create(actor=None, organisation=organisation, name="Database")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    return client


def listed(client, q=""):
    """The caseload as the person sees it: the case numbers and the count it shows."""
    if q:
        response = client.post(reverse("cases:list"), {"q": q}, follow=True)
    else:
        response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    page = response.context["page"]
    return [case.case_number for case in page.object_list], page.paginator.count


def test_a_transfer_needs_a_consent_covering_the_receiver_and_every_kind_of_data(
    case, owner, supervisor, other_ngo
):
    with pytest.raises(ValidationError) as error:
        request(case, supervisor, other_ngo)
    assert "to_organisation" in error.value.message_dict
    give_consent(case, owner, organisation=other_ngo, health=False)
    with pytest.raises(ValidationError) as error:
        request(case, supervisor, other_ngo)
    assert "health facts" in " ".join(error.value.message_dict["to_organisation"])
    assert not Transfer.objects.exists()


def test_a_ministry_cannot_own_a_case(case, owner, supervisor, ministry):
    give_consent(case, owner, organisation=ministry, health=True)
    with pytest.raises(ValidationError) as error:
        request(case, supervisor, ministry)
    assert "NGO" in " ".join(error.value.message_dict["to_organisation"])


def test_only_supervisors_request_and_answer(
    consented, owner, supervisor, other_ngo, new_lead, new_worker, outsider
):
    with pytest.raises(PermissionDenied):
        request(consented, owner, other_ngo)
    transfer = request(consented, supervisor, other_ngo)
    with pytest.raises(ValidationError):
        request(consented, supervisor, other_ngo)  # one waiting request at a time
    for person in (new_worker, supervisor):
        with pytest.raises(PermissionDenied):
            services.transfer_accept(actor=person, transfer=transfer, assigned_worker=new_worker)
    with pytest.raises(ValidationError) as error:
        services.transfer_accept(actor=new_lead, transfer=transfer, assigned_worker=owner)
    assert "assigned_worker" in error.value.message_dict
    consented.refresh_from_db()
    assert consented.organisation_id == supervisor.membership.organisation_id


def test_a_transfer_moves_ownership_and_the_old_owners_access_ends_with_the_grace_period(
    client_for, consented, owner, supervisor, other_ngo, new_lead, new_worker,
    time_machine, settings,
):  # fmt: skip
    settings.CASE_TRANSFER_SENDER_GRACE_DAYS = 30
    case = consented
    visit = visit_add(actor=owner, case=case, scheduled_for=dt.date(2027, 1, 15))
    old_api = api_client(supervisor.membership.organisation)
    page, api_url = reverse("cases:detail", args=[case.pk]), f"/api/v1/cases/{case.pk}/"
    transfer = accepted(case, supervisor, other_ngo, new_lead, new_worker)
    assert transfer.sender_access_ends_on == dt.date(2026, 12, 31)

    # The receiver owns the case: its worker sees and edits all of it.
    case.refresh_from_db()
    assert (case.organisation, case.assigned_worker) == (other_ngo, new_worker)
    assert FollowUpVisit.objects.get(pk=visit.pk).assigned_worker == new_worker
    assert can_edit_case(new_worker, case)
    assert visible_case_categories(new_worker, case) == {"identity", "case_facts", "health"}
    receivers_page = client_for(new_worker).get(page)
    assert receivers_page.status_code == 200
    assert list(receivers_page.context["shared_with"]) == [supervisor.membership.organisation]

    # The sender still reads identity and case facts, edits nothing, sees no health facts.
    for person in (owner, supervisor):
        assert not can_edit_case(person, case)
        assert visible_case_categories(person, case) == {"identity", "case_facts"}
    old = client_for(supervisor)
    assert old.get(page).status_code == 200
    assert old_api.get(api_url).status_code == 200
    # Found by its number; never by what the case holds (tests/transfers/test_sender_reading).
    assert listed(old, case.case_number) == ([case.case_number], 1)
    assert listed(old, NAME) == ([], 0)
    assert listed(old) == ([case.case_number], 1)

    # The last day of the grace period, 23:59 in Phnom Penh: still there.
    time_machine.move_to(dt.datetime(2026, 12, 30, 16, 59, tzinfo=dt.UTC), tick=False)
    old = client_for(supervisor)  # signed in again: sessions end after 30 minutes idle
    assert old.get(page).status_code == 200
    # A minute later, midnight in Phnom Penh: gone everywhere.
    time_machine.move_to(dt.datetime(2026, 12, 30, 17, 0, tzinfo=dt.UTC), tick=False)
    old = client_for(supervisor)
    assert old.get(page).status_code == 404
    assert client_for(owner).get(page).status_code == 404
    assert old_api.get(api_url).status_code == 404
    assert case.pk not in [row["id"] for row in old_api.get("/api/v1/cases/").json()["results"]]
    assert listed(old, case.case_number) == ([], 0)
    assert listed(old) == ([], 0)
    assert visible_case_categories(supervisor, case) == set()
    # The receiver is unaffected.
    assert client_for(new_worker).get(page).status_code == 200

    # The job notes the end once, for the sender's partner systems.
    assert transfer_sender_access_expire() == 1  # the periodic task
    assert services.transfer_sender_access_expire_due() == 0
    tombstones = old_api.get("/api/v1/tombstones/").json()["results"]
    assert [row["case"] for row in tombstones] == [case.pk]


def test_by_policy_the_sender_loses_access_on_acceptance(
    client_for, consented, supervisor, other_ngo, new_lead, new_worker, settings
):
    settings.CASE_TRANSFER_SENDER_GRACE_DAYS = 0
    accepted(consented, supervisor, other_ngo, new_lead, new_worker)
    assert client_for(supervisor).get(reverse("cases:detail", args=[consented.pk])).status_code == (
        404
    )
    sender = supervisor.membership.organisation
    assert CaseEvent.objects.filter(
        case=consented, kind=EventKind.ACCESS_REVOKED, organisation=sender
    ).exists()
    assert services.transfer_sender_access_expire_due() == 0


def test_a_declined_or_cancelled_transfer_leaves_the_case_where_it_was(
    client_for, consented, supervisor, other_ngo, new_lead
):
    transfer = request(consented, supervisor, other_ngo)
    assert client_for(new_lead).get(reverse("cases:detail", args=[consented.pk])).status_code == (
        404
    )  # asked is not given: nothing of the case is read before accepting
    with pytest.raises(ValidationError):
        services.transfer_decline(actor=new_lead, transfer=transfer, reason=" ")
    services.transfer_decline(actor=new_lead, transfer=transfer, reason="No worker in Pailin.")
    again = request(consented, supervisor, other_ngo)
    services.transfer_cancel(actor=supervisor, transfer=again)
    consented.refresh_from_db()
    assert consented.organisation == supervisor.membership.organisation
    assert list(Transfer.objects.order_by("pk").values_list("status", flat=True)) == [
        TransferStatus.DECLINED,
        TransferStatus.CANCELLED,
    ]
    messages = set(CaseEvent.objects.filter(case=consented).values_list("message", flat=True))
    assert {"transfer.requested", "transfer.declined", "transfer.cancelled"} <= messages


def test_a_consent_withdrawn_before_the_answer_stops_the_transfer(
    consented, owner, supervisor, other_ngo, new_lead, new_worker
):
    from cases.services import consent_withdraw

    transfer = request(consented, supervisor, other_ngo)
    consent_withdraw(
        actor=owner, consent=transfer.consent, on=timezone.localdate(), reason="Asked."
    )
    with pytest.raises(ValidationError):
        services.transfer_accept(actor=new_lead, transfer=transfer, assigned_worker=new_worker)
    consented.refresh_from_db()
    assert consented.organisation == supervisor.membership.organisation


def test_the_pages_request_and_accept_and_every_step_is_audited_and_on_the_timeline(
    client_for, consented, supervisor, other_ngo, new_lead, new_worker
):
    sender = client_for(supervisor)
    case_page = sender.get(reverse("cases:detail", args=[consented.pk])).content.decode()
    form_url = reverse("transfers:request", args=[consented.pk])
    assert form_url in case_page
    form = sender.get(form_url)
    token = form.context["form"]["submission"].value()
    response = sender.post(
        form_url,
        {"to_organisation": other_ngo.pk, "reason": "Moved province.", "submission": token},
    )
    transfer = Transfer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("transfers:detail", args=[transfer.pk])
    receiver = client_for(new_lead)
    detail = receiver.get(reverse("transfers:detail", args=[transfer.pk]))
    assert "Moved province." in detail.content.decode()
    refused = receiver.post(reverse("transfers:accept", args=[transfer.pk]), {})
    assert refused.status_code == 400
    receiver.post(
        reverse("transfers:accept", args=[transfer.pk]), {"assigned_worker": new_worker.pk}
    )
    consented.refresh_from_db()
    assert consented.organisation == other_ngo
    audited = AccessEvent.objects.filter(object_type="transfer", object_id=transfer.pk)
    assert audited.count() >= 3
    timeline = receiver.get(reverse("cases:detail", args=[consented.pk])).content.decode()
    assert f"Transferred to {other_ngo.name}, which now owns the case" in timeline


def test_only_the_two_organisations_supervisors_see_a_transfer(
    client_for, consented, owner, supervisor, other_ngo, officer
):
    transfer = request(consented, supervisor, other_ngo)
    url = reverse("transfers:detail", args=[transfer.pk])
    for person in (owner, officer):
        assert client_for(person).get(url).status_code == 404
        cancel = reverse("transfers:cancel", args=[transfer.pk])
        assert client_for(person).post(cancel).status_code == 404
    for name in ("accept", "decline"):
        assert client_for(supervisor).post(reverse(f"transfers:{name}", args=[transfer.pk]), {
            "reason": "x", "assigned_worker": supervisor.pk,
        }).status_code in (302, 400)  # fmt: skip
    assert Transfer.objects.get().status == TransferStatus.REQUESTED


@pytest.mark.parametrize("count", [1, 6])
def test_the_transfers_page_costs_the_same_for_one_or_many(
    client_for, supervisor, owner, other_ngo, count
):
    for _ in range(count):
        case = CaseFactory(actor=owner)
        give_consent(case, owner, organisation=other_ngo, health=True)
        request(case, supervisor, other_ngo)
    client = client_for(supervisor)
    client.get(reverse("transfers:list"))  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("transfers:list"))
    assert response.status_code == 200
    assert len(response.context["transfers"]) == count
    # session, user, membership, the transfers with their case and organisations, the
    # audit row, and the savepoint around it.
    assert len(queries) <= 8, [q["sql"] for q in queries.captured_queries]


def test_the_caseload_reads_of_each_shared_case_what_its_grants_read(
    case, consented, owner, supervisor, other_ngo, new_lead, new_worker
):
    """The caseload picks its pages from the referrals' rows, each with what they share
    (cases.selectors.page_grants), not from `shared_grants`; read page by page, both say
    the same of every case: the categories of several referrals OR-ed, nothing for a
    withdrawn one, and a case kept after a transfer read as it was handed over."""
    from cases import selectors
    from cases.visibility import read_as_of
    from tests.referrals.helpers import share

    accepted(consented, supervisor, other_ngo, new_lead, new_worker)  # kept by the sender
    theirs = [CaseFactory(actor=new_worker) for _ in range(5)]
    share(theirs[0], supervisor.membership.organisation, identity=True, case_facts=False)
    share(
        theirs[0],
        supervisor.membership.organisation,
        identity=False,
        health=True,
        service="shelter",
    )
    share(theirs[1], supervisor.membership.organisation, identity=False, case_facts=True)
    share(theirs[2], supervisor.membership.organisation, case_facts=False, identity=False)
    share(theirs[3], supervisor.membership.organisation, status="declined")

    def said(grants):
        return {pk: (set(read), read_as_of(read)) for pk, read in grants.items()}

    expected = said(selectors.shared_grants(supervisor))
    assert len(expected) == 4
    assert expected[theirs[0].pk] == ({"identity", "case_facts", "health"}, None)
    assert read_as_of(selectors.shared_grants(supervisor)[consented.pk]) is not None
    for per_page in (1, 2, 50):
        rows, number = [], 1
        while True:
            pager = selectors.CaseloadIds(
                selectors.caseload_ids(supervisor, None), number, per_page
            )
            rows += pager.rows
            if number * per_page >= pager.count():
                break
            number += 1
        read = said(selectors.page_grants(supervisor, rows))
        assert read == expected, per_page
