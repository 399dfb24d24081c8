"""What the organisation that handed a case over reads during its grace period: the case as it
stood when the transfer was accepted. The new owner corrects the survivor's name, moves the
phase, plans a visit, records a form of exploitation; the sender sees none of it, on the case
page, in the API (detail, list, visits), in the export, on the timeline, and cannot find the
case by the new name, nor by the old one (only by its number). The case last changed, as the
sender reads it, at the handover: its `updated_at`, ETag, `updated_since` and the order of
change stay put. After the grace period, nothing."""

import base64
import datetime as dt
import io
import urllib.parse

import msoffcrypto
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import Case, ExploitationForm, Phase
from cases.services import Exploitation, case_change_phase, case_update
from followup.services import visit_add
from tests.cases.factories import CaseFactory
from tests.referrals.helpers import give_consent
from transfers import services

from .test_transfers import api_client, listed

pytestmark = pytest.mark.django_db

OLD_NAME, NEW_NAME = "Sok Sreyneang", "Chan Sreyneath"
# 10:00 in Phnom Penh on 1 December 2026; the new owner works on the case an hour later.
ACCEPTED = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
LATER = ACCEPTED + dt.timedelta(hours=1)
PASSWORD = "a-shared-secret-2026"


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(ACCEPTED, tick=False)


@pytest.fixture
def handed_over(case, owner, supervisor, other_ngo, new_lead, new_worker, settings):
    """The case, with a visit the sender planned, transferred to the other NGO (accepted)."""
    settings.CASE_TRANSFER_SENDER_GRACE_DAYS = 30
    give_consent(case, owner, organisation=other_ngo, health=True)
    old_visit = visit_add(actor=owner, case=case, scheduled_for=dt.date(2027, 1, 15))
    transfer = services.transfer_request(
        actor=supervisor, case=case, to_organisation=other_ngo, reason="She moved province."
    )
    services.transfer_accept(actor=new_lead, transfer=transfer, assigned_worker=new_worker)
    case.refresh_from_db()
    return case, new_worker, old_visit


def the_new_owner_works_on(case, worker, time_machine):
    """After acceptance: a corrected name, a new form of exploitation, a new phase, a new
    visit (each with its timeline line)."""
    time_machine.move_to(LATER, tick=False)
    case = case_update(
        actor=worker,
        case=case,
        name_latin=NEW_NAME,
        exploitations=[
            Exploitation(form=ExploitationForm.FORCED_LABOUR),
            Exploitation(form=ExploitationForm.FORCED_CRIMINALITY),
        ],
    )
    case = case_change_phase(actor=worker, case=case, to_phase=Phase.INTAKE, note="Moved on.")
    new_visit = visit_add(actor=worker, case=case, scheduled_for=dt.date(2027, 2, 1))
    return case, new_visit


def test_the_sender_reads_the_case_as_it_was_handed_over(
    client_for, handed_over, supervisor, time_machine
):
    case, new_worker, old_visit = handed_over
    assert case.phase == Phase.IDENTIFICATION
    url = reverse("cases:detail", args=[case.pk])
    sender = client_for(supervisor)
    sender.get(url)  # warm the session
    with CaptureQueriesContext(connection) as before:
        first = sender.get(url)
    assert first.status_code == 200
    lines_before = len(first.context["timeline"])
    case, new_visit = the_new_owner_works_on(case, new_worker, time_machine)
    for day in (3, 4, 5):
        visit_add(actor=new_worker, case=case, scheduled_for=dt.date(2027, 3, day))

    # The new owner sees its work.
    receiver = client_for(new_worker).get(reverse("cases:detail", args=[case.pk]))
    assert NEW_NAME in receiver.content.decode()

    # The sender: the old name, the old phase, the old forms, the visit it planned; and the
    # page costs what it cost before the new owner added anything.
    sender = client_for(supervisor)
    sender.get(url)
    with CaptureQueriesContext(connection) as after:
        response = sender.get(url)
    assert response.status_code == 200
    assert len(after) == len(before), [q["sql"] for q in after.captured_queries]
    page = response.content.decode()
    assert OLD_NAME in page and NEW_NAME not in page
    assert response.context["shown"].phase == Phase.IDENTIFICATION
    assert "Forced criminality" not in page
    assert [row.form for row in response.context["exploitations"]] == ["forced_labour"]
    # The timeline as it stood: the handover the last line, nothing the new owner wrote.
    timeline = response.context["timeline"]
    assert len(timeline) == lines_before
    assert timeline[0].message == "transfer.accepted"
    assert "Moved on." not in page
    assert [visit.pk for visit in response.context["upcoming"]] == [old_visit.pk]
    section = sender.get(reverse("followup:history", args=[case.pk]))
    assert [visit.pk for visit in section.context["visits"]] == [old_visit.pk]


def test_the_sender_reads_the_case_as_it_was_in_the_api_until_the_grace_period_ends(
    client_for, handed_over, supervisor, time_machine
):
    case, new_worker, old_visit = handed_over
    api = api_client(supervisor.membership.organisation)
    case, new_visit = the_new_owner_works_on(case, new_worker, time_machine)

    detail = api.get(f"/api/v1/cases/{case.pk}/").json()
    assert detail["identity"]["name_latin"] == OLD_NAME
    assert detail["phase"] == Phase.IDENTIFICATION
    assert [row["form"] for row in detail["case_facts"]["exploitations"]] == ["forced_labour"]
    assert detail["sensitive_facts"] is None
    rows = api.get("/api/v1/cases/").json()["results"]
    assert [(row["id"], row["identity"]["name_latin"], row["phase"]) for row in rows] == [
        (case.pk, OLD_NAME, Phase.IDENTIFICATION)
    ]
    # Filters on what the new owner may have changed match nothing.
    assert api.get("/api/v1/cases/", {"phase": Phase.INTAKE}).json()["results"] == []
    assert api.get("/api/v1/cases/", {"phase": Phase.IDENTIFICATION}).json()["results"] == []
    # The visit the sender planned, never the new owner's.
    visits = api.get("/api/v1/visits/").json()["results"]
    assert [row["id"] for row in visits] == [old_visit.pk]
    assert api.get(f"/api/v1/visits/{new_visit.pk}/").status_code == 404

    # The grace period over (midnight in Phnom Penh on its last day): nothing at all.
    time_machine.move_to(dt.datetime(2026, 12, 30, 17, 0, tzinfo=dt.UTC), tick=False)
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert api.get("/api/v1/cases/").json()["results"] == []
    assert api.get("/api/v1/visits/").json()["results"] == []
    sender = client_for(supervisor)
    assert sender.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert sender.get(reverse("followup:history", args=[case.pk])).status_code == 404
    assert listed(sender, case.case_number) == ([], 0)


def test_the_sender_finds_the_case_by_its_number_only_and_lists_it_as_it_was(
    client_for, handed_over, supervisor, time_machine
):
    case, new_worker, _old_visit = handed_over
    case, _new_visit = the_new_owner_works_on(case, new_worker, time_machine)
    sender = client_for(supervisor)
    assert listed(sender, NEW_NAME) == ([], 0)
    assert listed(sender, "Sreyne") == ([], 0)  # the old name is no key either
    assert listed(sender, case.case_number) == ([case.case_number], 1)
    for phase in (Phase.INTAKE, Phase.IDENTIFICATION):
        response = sender.get(reverse("cases:list"), {"phase": phase})
        assert response.context["page"].paginator.count == 0
    [row] = sender.get(reverse("cases:list")).context["page"].object_list
    assert (row.name_latin, row.phase) == (OLD_NAME, Phase.IDENTIFICATION)
    assert row.next_visit_on is None  # a derived column: the new owner's planning


def test_the_senders_export_holds_the_case_as_it_was(
    client_for, handed_over, supervisor, time_machine
):
    case, new_worker, _old_visit = handed_over
    the_new_owner_works_on(case, new_worker, time_machine)
    response = client_for(supervisor).post(
        reverse("cases:export"), {"password": PASSWORD, "password_again": PASSWORD}
    )
    office = msoffcrypto.OfficeFile(io.BytesIO(response.content))
    office.load_key(password=PASSWORD)
    plain = io.BytesIO()
    office.decrypt(plain)
    rows = list(load_workbook(plain).active.values)
    assert len(rows) == 2
    cells = [str(cell) for cell in rows[1]]
    assert OLD_NAME in cells and NEW_NAME not in cells
    assert str(Phase.INTAKE.label) not in cells
    assert str(Phase.IDENTIFICATION.label) in cells


def test_the_snapshot_is_stored_encrypted(handed_over):
    case, _new_worker, _old_visit = handed_over
    with connection.cursor() as cursor:
        cursor.execute("SELECT sender_snapshot FROM transfers_transfer")
        [(stored,)] = cursor.fetchall()
    assert stored and "Sreyneang" not in stored and "identification" not in stored


def test_a_referral_from_the_new_owner_is_read_live_as_any_referral(
    client_for, handed_over, supervisor, other_ngo, time_machine
):
    """The new owner refers the case back for a service, under the survivor's consent: the
    sender then reads what the referral shares, as the case is now."""
    from tests.referrals.helpers import share

    case, new_worker, _old_visit = handed_over
    case, _new_visit = the_new_owner_works_on(case, new_worker, time_machine)
    share(case, supervisor.membership.organisation, identity=True, case_facts=False)
    response = client_for(supervisor).get(reverse("cases:detail", args=[case.pk]))
    assert NEW_NAME in response.content.decode()
    assert Case.objects.get(pk=case.pk).name_latin == NEW_NAME


@pytest.mark.django_db(transaction=True)
def test_the_migration_snapshots_transfers_accepted_before_it(places, handed_over):
    """A transfer accepted before snapshots existed gets one of the case's values when the
    migration runs: from then on, what the new owner changes does not reach the sender."""
    import json

    from django.db.migrations.executor import MigrationExecutor

    from transfers.models import Transfer

    case, _new_worker, _old_visit = handed_over
    Transfer.objects.update(sender_snapshot="")
    try:
        MigrationExecutor(connection).migrate([("transfers", "0001_initial")])
        MigrationExecutor(connection).migrate([("transfers", "0002_sender_snapshot")])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    snapshot = json.loads(Transfer.objects.get().sender_snapshot)
    assert snapshot["case"]["name_latin"] == OLD_NAME
    assert snapshot["case"]["phase"] == Phase.IDENTIFICATION
    assert [row["form"] for row in snapshot["exploitations"]] == ["forced_labour"]


def test_a_case_transferred_back_is_read_under_its_organisations_own_rules(
    client_for, handed_over, owner, colleague, supervisor, ngo, new_lead
):
    """The other NGO hands the case back within the first transfer's grace period: it is the
    shelter's own case again, and the grace period grants nothing more. Where workers see only
    their own cases, a colleague of the worker it goes back to neither lists nor opens it."""
    case, new_worker, _old_visit = handed_over
    give_consent(case, new_worker, organisation=ngo, health=True)
    back = services.transfer_request(actor=new_lead, case=case, to_organisation=ngo, reason="Back.")
    services.transfer_accept(actor=supervisor, transfer=back, assigned_worker=owner)
    ngo.workers_see_assigned_only = True
    ngo.save()
    assert listed(client_for(colleague)) == ([], 0)
    assert client_for(colleague).get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert listed(client_for(owner)) == ([case.case_number], 1)


# The sender changes a case of its own half an hour after the handover, the new owner the
# handed-over case an hour after it (LATER).
OWN_CHANGE = ACCEPTED + dt.timedelta(minutes=30)


def stamp(moment: dt.datetime) -> str:
    """As the API writes a time: in Phnom Penh."""
    return timezone.localtime(moment).isoformat()


def cursors(body) -> str:
    """What the page links carry, decoded: DRF's cursor is base64 of the position."""
    decoded = ""
    for link in (body["next"], body["previous"]):
        if link:
            cursor = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["cursor"][0]
            decoded += base64.b64decode(cursor + "==").decode()
    return decoded


def test_the_senders_api_shows_the_case_last_changed_at_the_handover(
    client_for, handed_over, supervisor, owner, time_machine
):
    case, new_worker, _old_visit = handed_over
    api = api_client(supervisor.membership.organisation)
    detail = api.get(f"/api/v1/cases/{case.pk}/")
    assert detail.json()["updated_at"] == stamp(ACCEPTED)
    etag = detail.headers["ETag"]

    time_machine.move_to(OWN_CHANGE, tick=False)
    own = CaseFactory(actor=owner)
    time_machine.move_to(LATER, tick=False)
    case = case_update(actor=new_worker, case=case, name_latin=NEW_NAME)
    assert case.updated_at == LATER

    detail = api.get(f"/api/v1/cases/{case.pk}/")
    assert detail.json()["updated_at"] == stamp(ACCEPTED)
    assert detail.headers["ETag"] == etag
    # Oldest change first: the handed-over case before the sender's own later change.
    body = api.get("/api/v1/cases/").json()
    assert [(row["id"], row["updated_at"]) for row in body["results"]] == [
        (case.pk, stamp(ACCEPTED)),
        (own.pk, stamp(OWN_CHANGE)),
    ]
    first = api.get("/api/v1/cases/", {"page_size": 1}).json()
    assert [row["id"] for row in first["results"]] == [case.pk]
    assert "12-01 04" not in cursors(first)
    assert [row["id"] for row in api.get(first["next"]).json()["results"]] == [own.pk]
    # A sync since the handover finds the sender's own change, not the new owner's.
    since = (ACCEPTED + dt.timedelta(minutes=1)).isoformat()
    rows = api.get("/api/v1/cases/", {"updated_since": since}).json()["results"]
    assert [row["id"] for row in rows] == [own.pk]
    rows = api.get("/api/v1/cases/", {"updated_since": ACCEPTED.isoformat()}).json()["results"]
    assert [row["id"] for row in rows] == [case.pk, own.pk]

    # The page reads the same moment.
    page = client_for(supervisor).get(reverse("cases:detail", args=[case.pk]))
    assert page.context["shown"].updated_at == ACCEPTED


def test_the_new_owner_sees_its_own_changes(handed_over, new_lead, time_machine):
    case, new_worker, _old_visit = handed_over
    time_machine.move_to(LATER, tick=False)
    case_update(actor=new_worker, case=case, name_latin=NEW_NAME)
    api = api_client(new_lead.membership.organisation)
    assert api.get(f"/api/v1/cases/{case.pk}/").json()["updated_at"] == stamp(LATER)
    since = (ACCEPTED + dt.timedelta(minutes=1)).isoformat()
    rows = api.get("/api/v1/cases/", {"updated_since": since}).json()["results"]
    assert [row["id"] for row in rows] == [case.pk]
