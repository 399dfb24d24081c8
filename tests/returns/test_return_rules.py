"""The services' rules for cross-border returns, and how a return decides the case's end."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from cases.models import Case, CaseEvent, Phase
from cases.retention import cases_anonymise
from cases.services import case_change_phase
from plans.models import Approval
from plans.services import approval_approve, closure_request
from returns import services
from returns.models import CrossBorderReturn, ReturnStep
from tests.cases.factories import CaseFactory

from .factories import (
    AGENCY,
    RECEIVED_BY,
    days_ago,
    family_assessment,
    handed_over,
    started,
    step,
    travelled,
)

pytestmark = pytest.mark.django_db


def test_starting_a_return_ticks_identification_done_by_who_records_it(case, owner):
    ret = started(case, owner)
    (identified,) = ret.steps.all()
    assert (identified.step, identified.done_on, identified.done_by) == (
        "identified",
        days_ago(40),
        owner,
    )


def test_a_return_is_to_or_from_another_country_than_cambodia(case, owner):
    with pytest.raises(ValidationError) as error:
        started(case, owner, country="KH")
    assert "country" in error.value.message_dict
    assert not CrossBorderReturn.objects.exists()


def test_a_return_into_cambodia_needs_a_cross_border_case(owner):
    internal = CaseFactory(actor=owner, movement="internal", destination_country="")
    with pytest.raises(ValidationError) as error:
        started(internal, owner, direction="into_cambodia", country="TH")
    assert "direction" in error.value.message_dict
    # A foreign national going home needs no such thing: they were brought into Cambodia.
    assert started(internal, owner).direction == "out_of_cambodia"


def test_one_return_per_case(case, owner):
    started(case, owner)
    with pytest.raises(ValidationError):
        started(case, owner, country="TH")
    assert CrossBorderReturn.objects.count() == 1


def test_only_who_may_record_legal_detail_records_a_return(case, colleague, outsider, supervisor):
    for person in (colleague, outsider):
        with pytest.raises(PermissionDenied):
            started(case, person)
    assert started(case, supervisor).created_by == supervisor


def test_a_step_is_done_on_a_day_that_has_come_in_phnom_penh(case, owner):
    with time_machine.travel(dt.datetime(2026, 3, 9, 16, 59, tzinfo=dt.UTC), tick=False):
        ret = started(case, owner, identified_on=dt.date(2026, 3, 1))
        with pytest.raises(ValidationError) as error:
            services_step(ret, owner, "nationality_verified", dt.date(2026, 3, 10))
        assert "done_on" in error.value.message_dict
    with time_machine.travel(dt.datetime(2026, 3, 9, 17, 0, tzinfo=dt.UTC), tick=False):
        services_step(ret, owner, "nationality_verified", dt.date(2026, 3, 10))


def services_step(ret, actor, name, day, **details):
    from returns.services import return_step_record

    return return_step_record(
        actor=actor, cross_border_return=ret, step=name, done_on=day, **details
    )


def test_no_step_before_the_survivor_was_identified(case, owner):
    ret = started(case, owner)
    with pytest.raises(ValidationError) as error:
        step(ret, owner, "nationality_verified", 41)
    assert "done_on" in error.value.message_dict


def test_a_document_is_issued_no_earlier_than_applied_for_and_names_its_authority(case, owner):
    ret = started(case, owner)
    with pytest.raises(ValidationError) as error:
        step(ret, owner, "document_applied", 30)
    assert "document_authority" in error.value.message_dict
    step(ret, owner, "document_applied", 30, document_authority="consulate")
    with pytest.raises(ValidationError) as error:
        step(ret, owner, "document_issued", 31)
    assert "done_on" in error.value.message_dict
    ret = step(ret, owner, "document_issued", 20)
    assert ret.document_authority == "consulate"


def test_the_journey_needs_an_issued_document_an_accepting_agency_and_a_route(case, owner):
    ret = started(case, owner, receiving_agency="")
    with pytest.raises(ValidationError) as error:
        step(ret, owner, "travelled", 10, route="poipet")
    assert "step" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        step(ret, owner, "agency_accepted", 15)
    assert "receiving_agency" in error.value.message_dict
    step(ret, owner, "agency_accepted", 15, receiving_agency="IOM Jakarta")
    with pytest.raises(ValidationError) as error:
        step(ret, owner, "travelled", 10, route="poipet")
    assert "step" in error.value.message_dict  # no document yet
    step(ret, owner, "document_issued", 20, document_authority="embassy")
    with pytest.raises(ValidationError) as error:
        step(ret, owner, "travelled", 10, route="other")
    assert "route_other" in error.value.message_dict
    ret = step(ret, owner, "travelled", 10, route="other", route_other="Bus via Bavet")
    assert (ret.travelled_on, ret.route_other) == (days_ago(10), "Bus via Bavet")


def test_the_handover_follows_the_journey_and_says_who_and_where(case, owner):
    ret = started(case, owner)
    with pytest.raises(ValidationError):
        step(ret, owner, "handed_over", 5, received_by="x", handover_place="y")
    other = CaseFactory(actor=owner)
    ret = travelled(other, owner)
    with pytest.raises(ValidationError) as error:
        step(ret, owner, "handed_over", 11, received_by="x", handover_place="y")
    assert "done_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        step(ret, owner, "handed_over", 9, handover_place="Airport")
    assert "received_by" in error.value.message_dict


def test_a_completed_return_does_not_change(case, owner):
    ret = handed_over(case, owner)
    with pytest.raises(ValidationError):
        step(ret, owner, "nationality_verified", 30)
    assert ret.received_by == RECEIVED_BY


def test_coming_home_the_family_assessment_is_the_reintegration_plans(case, owner):
    ret = started(case, owner, direction="into_cambodia", country="TH")
    with pytest.raises(ValidationError) as error:
        step(ret, owner, "family_assessed", 25)
    assert "family_assessment" in error.value.message_dict
    theirs = family_assessment(CaseFactory(actor=owner), owner)
    with pytest.raises(ValidationError):
        step(ret, owner, "family_assessed", 25, family_assessment=theirs)
    ours = family_assessment(case, owner)
    ret = step(ret, owner, "family_assessed", 25, family_assessment=ours)
    assert ret.family_assessment == ours


def test_going_home_the_note_says_who_assessed_the_family(case, owner):
    ret = started(case, owner)
    with pytest.raises(ValidationError) as error:
        step(ret, owner, "family_assessed", 25)
    assert "note" in error.value.message_dict
    step(ret, owner, "family_assessed", 25, note="Assessed by the receiving agency")


def test_the_timeline_names_the_step_never_the_agency_country_or_people(case, owner):
    handed_over(case, owner)
    lines = list(CaseEvent.objects.filter(case=case, message__startswith="return."))
    assert len(lines) == 7
    stored = str([(line.message, line.message_args, line.note) for line in lines])
    for secret in (AGENCY, RECEIVED_BY, "Soekarno", "ID", "Indonesia", "phnom_penh_airport"):
        assert secret not in stored


def test_free_text_is_encrypted_at_rest(case, owner):
    ret = handed_over(case, owner)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT receiving_agency, received_by, handover_place FROM returns_crossborderreturn "
            "WHERE id = %s",
            [ret.pk],
        )
        row = cursor.fetchone()
        cursor.execute("SELECT note FROM returns_returnstep WHERE note <> ''")
        notes = [note for (note,) in cursor.fetchall()]
    assert AGENCY not in row[0] and RECEIVED_BY not in row[1] and "Soekarno" not in row[2]
    assert notes and not any("embassy" in note for note in notes)


def test_anonymisation_clears_who_received_the_survivor_and_where(case, owner):
    ret = handed_over(case, owner)
    cases_anonymise(case_ids=[case.pk])
    ret.refresh_from_db()
    assert (ret.receiving_agency, ret.received_by, ret.handover_place) == ("", "", "")
    assert (ret.direction, ret.country, ret.travelled_on) == ("out_of_cambodia", "ID", days_ago(10))
    assert not ReturnStep.objects.exclude(note="").exists()


def test_only_a_survivor_of_another_nationality_is_returned_out_of_cambodia(case, owner):
    assert case.nationality == "KH"
    with pytest.raises(ValidationError) as error:
        services.return_start(
            actor=owner, case=case, direction="out_of_cambodia", country="TH",
            identified_on=days_ago(30),
        )  # fmt: skip
    assert "nationality" in error.value.message_dict["direction"][0]
    assert not CrossBorderReturn.objects.exists()
    # The same Cambodian comes home from Thailand: a return into Cambodia.
    ret = services.return_start(
        actor=owner, case=case, direction="into_cambodia", country="TH",
        identified_on=days_ago(30),
    )  # fmt: skip
    assert ret.direction == "into_cambodia"


# --- how the case ends --------------------------------------------------------------------------


def test_closing_as_returned_needs_a_journey_home_with_an_accepting_agency(case, owner, supervisor):
    with pytest.raises(ValidationError) as error:
        closure_request(actor=owner, case=case, reason="returned_home")
    assert "reason" in error.value.message_dict
    travelled(case, owner)
    approval_approve(
        actor=supervisor, approval=closure_request(actor=owner, case=case, reason="returned_home")
    )
    closed = Case.objects.get(pk=case.pk)
    assert (closed.phase, closed.closure_reason) == (Phase.CLOSED, "returned_home")


def test_a_survivor_who_came_home_is_not_closed_as_returned(owner, supervisor):
    case = CaseFactory(actor=owner)
    ret = started(case, owner, direction="into_cambodia", country="TH")
    step(ret, owner, "document_issued", 20, document_authority="embassy")
    step(ret, owner, "agency_accepted", 15)
    step(ret, owner, "travelled", 10, route="poipet")
    with pytest.raises(ValidationError):
        closure_request(actor=owner, case=case, reason="returned_home")
    # The case goes on: planning the reintegration.
    moved = case_change_phase(actor=owner, case=case, to_phase="intake")
    assert moved.phase == Phase.INTAKE


def test_the_closure_approval_asks_for_the_return_too(case, owner, supervisor):
    with pytest.raises(ValidationError) as error:
        closure_request(actor=owner, case=case, reason="returned_home")
    assert "reason" in error.value.message_dict
    assert not Approval.objects.exists()
    travelled(case, owner)
    approval = closure_request(actor=owner, case=case, reason="returned_home")
    approval_approve(actor=supervisor, approval=approval)
    assert Case.objects.get(pk=case.pk).closure_reason == "returned_home"
