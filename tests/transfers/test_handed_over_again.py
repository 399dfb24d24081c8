"""A case that comes back to an organisation and is handed over again: the organisation then
reads it as it stood when its own access last ended, the second handover, on the case page,
a visit's page, the timeline and in the API alike; and the organisation it had come back
from reads it as of its own handover. A handover with no grace period ends the sender's
reading, whatever grace period an earlier handover of the same case left open."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Phase
from cases.services import case_change_phase, case_update
from followup.services import visit_add
from organisations.models import Role
from tests.organisations.factories import OrganisationFactory, UserFactory
from tests.referrals.helpers import give_consent
from transfers import services

from .test_transfers import api_client, listed

pytestmark = pytest.mark.django_db

# 10:00 in Phnom Penh on 1 December 2026: the case goes to the other NGO; it comes back at
# 11:00, the shelter works on it at 12:00 and hands it to a third NGO at 13:00, which works
# on it at 14:00.
TO_OTHER = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
BACK = TO_OTHER + dt.timedelta(hours=1)
WORKED_ON = TO_OTHER + dt.timedelta(hours=2)
TO_THIRD = TO_OTHER + dt.timedelta(hours=3)
THIRD_WORKS = TO_OTHER + dt.timedelta(hours=4)
OLD_NAME, SHELTER_NAME, THIRD_NAME = "Sok Sreyneang", "Sok Sreyneath", "Chan Sreymom"


@pytest.fixture
def third(db):
    organisation = OrganisationFactory(name="Community Care NGO", short_name="CCN")
    lead = UserFactory(username="thirdlead", organisation=organisation, role=Role.SUPERVISOR)
    worker = UserFactory(username="thirdworker", organisation=organisation)
    return organisation, lead, worker


def hand_over(case, *, by, to, answered_by, worker, at, time_machine):
    time_machine.move_to(at, tick=False)
    give_consent(case, by, organisation=to, health=True)
    transfer = services.transfer_request(
        actor=by, case=case, to_organisation=to, reason="She moved province."
    )
    services.transfer_accept(actor=answered_by, transfer=transfer, assigned_worker=worker)
    case.refresh_from_db()
    return case


@pytest.fixture
def back_and_away(
    case, owner, supervisor, ngo, other_ngo, ministry, new_lead, new_worker, third,
    time_machine, settings,
):  # fmt: skip
    """The shelter plans a visit and hands the case over; it comes back; the shelter corrects
    the name, moves the phase, plans a visit and records a consent, then hands the case to a
    third NGO, which works on it."""
    settings.CASE_TRANSFER_SENDER_GRACE_DAYS = 30
    third_ngo, third_lead, third_worker = third
    time_machine.move_to(TO_OTHER - dt.timedelta(hours=1), tick=False)
    first_visit = visit_add(actor=owner, case=case, scheduled_for=dt.date(2027, 1, 15))
    hand_over(case, by=supervisor, to=other_ngo, answered_by=new_lead, worker=new_worker,
              at=TO_OTHER, time_machine=time_machine)  # fmt: skip
    hand_over(case, by=new_lead, to=ngo, answered_by=supervisor, worker=owner,
              at=BACK, time_machine=time_machine)  # fmt: skip

    time_machine.move_to(WORKED_ON, tick=False)
    case = case_update(actor=owner, case=case, name_latin=SHELTER_NAME)
    case = case_change_phase(actor=owner, case=case, to_phase=Phase.INTAKE, note="Back with us.")
    second_visit = visit_add(actor=owner, case=case, scheduled_for=dt.date(2027, 2, 1))
    consent = give_consent(case, owner, organisation=ministry, case_facts=False)
    case = hand_over(case, by=supervisor, to=third_ngo, answered_by=third_lead,
                     worker=third_worker, at=TO_THIRD, time_machine=time_machine)  # fmt: skip

    time_machine.move_to(THIRD_WORKS, tick=False)
    case = case_update(actor=third_worker, case=case, name_latin=THIRD_NAME)
    case = case_change_phase(
        actor=third_worker, case=case, to_phase=Phase.RECOVERY, note="In the shelter now."
    )
    third_visit = visit_add(actor=third_worker, case=case, scheduled_for=dt.date(2027, 3, 1))
    return case, (first_visit, second_visit, third_visit), consent


def test_the_shelter_reads_the_case_as_it_handed_it_over_the_second_time(
    client_for, back_and_away, supervisor
):
    case, (first_visit, second_visit, third_visit), consent = back_and_away
    shelter = client_for(supervisor)

    response = shelter.get(reverse("cases:detail", args=[case.pk]))
    page = response.content.decode()
    assert SHELTER_NAME in page and THIRD_NAME not in page
    assert response.context["shown"].phase == Phase.INTAKE
    assert [visit.pk for visit in response.context["upcoming"]] == [first_visit.pk, second_visit.pk]
    notes = [line.message for line in response.context["timeline"]]
    assert "Back with us." in page and "In the shelter now." not in page
    assert notes[0] == "transfer.accepted"
    assert shelter.get(reverse("followup:visit", args=[second_visit.pk])).status_code == 200
    assert shelter.get(reverse("followup:visit", args=[third_visit.pk])).status_code == 404

    api = api_client(supervisor.membership.organisation)
    detail = api.get(f"/api/v1/cases/{case.pk}/").json()
    assert (detail["identity"]["name_latin"], detail["phase"]) == (SHELTER_NAME, Phase.INTAKE)
    visits = api.get("/api/v1/visits/").json()["results"]
    assert sorted(row["id"] for row in visits) == [first_visit.pk, second_visit.pk]
    assert api.get(f"/api/v1/visits/{second_visit.pk}/").status_code == 200
    assert api.get(f"/api/v1/visits/{third_visit.pk}/").status_code == 404
    consents = api.get("/api/v1/consents/").json()["results"]
    assert consent.pk in [row["id"] for row in consents]


def test_the_ngo_it_came_back_from_reads_it_as_it_handed_it_back(
    client_for, back_and_away, new_lead
):
    case, (first_visit, _second, _third), consent = back_and_away
    response = client_for(new_lead).get(reverse("cases:detail", args=[case.pk]))
    page = response.content.decode()
    assert OLD_NAME in page and SHELTER_NAME not in page and THIRD_NAME not in page
    assert response.context["shown"].phase == Phase.IDENTIFICATION
    assert "Back with us." not in page
    assert [visit.pk for visit in response.context["upcoming"]] == [first_visit.pk]

    api = api_client(new_lead.membership.organisation)
    detail = api.get(f"/api/v1/cases/{case.pk}/").json()
    assert (detail["identity"]["name_latin"], detail["phase"]) == (OLD_NAME, Phase.IDENTIFICATION)
    assert [row["id"] for row in api.get("/api/v1/visits/").json()["results"]] == [first_visit.pk]
    assert consent.pk not in [row["id"] for row in api.get("/api/v1/consents/").json()["results"]]


def test_a_handover_without_grace_ends_the_reading_an_earlier_one_left_open(
    client_for, case, owner, supervisor, ngo, other_ngo, new_lead, new_worker, third,
    time_machine, settings,
):  # fmt: skip
    third_ngo, third_lead, third_worker = third
    settings.CASE_TRANSFER_SENDER_GRACE_DAYS = 30
    hand_over(case, by=supervisor, to=other_ngo, answered_by=new_lead, worker=new_worker,
              at=TO_OTHER, time_machine=time_machine)  # fmt: skip
    hand_over(case, by=new_lead, to=ngo, answered_by=supervisor, worker=owner,
              at=BACK, time_machine=time_machine)  # fmt: skip
    settings.CASE_TRANSFER_SENDER_GRACE_DAYS = 0
    hand_over(case, by=supervisor, to=third_ngo, answered_by=third_lead, worker=third_worker,
              at=TO_THIRD, time_machine=time_machine)  # fmt: skip

    shelter = client_for(supervisor)
    assert shelter.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert listed(shelter, case.case_number) == ([], 0)
    api = api_client(ngo)
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert api.get("/api/v1/cases/").json()["results"] == []
