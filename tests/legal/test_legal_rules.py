"""The services' rules for legal proceedings, hearings, protection and compensation."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from cases.models import CaseEvent
from legal import services
from legal.models import Compensation, Hearing, LegalProceeding
from tests.cases.factories import CaseFactory
from tests.plans.factories import close_case

from .factories import CHARGES, full_proceeding, proceeding

pytestmark = pytest.mark.django_db


def test_a_proceeding_needs_a_court(case, owner):
    with pytest.raises(ValidationError) as error:
        proceeding(case, owner, court="  ")
    assert "court" in error.value.message_dict
    assert not LegalProceeding.objects.exists()


def test_an_unknown_kind_is_refused(case, owner):
    with pytest.raises(ValidationError) as error:
        proceeding(case, owner, kind="divorce")
    assert "kind" in error.value.message_dict


def test_only_who_may_record_legal_detail_records_it(case, colleague, outsider, supervisor):
    for person in (colleague, outsider):
        with pytest.raises(PermissionDenied):
            proceeding(case, person)
    assert not LegalProceeding.objects.exists()
    assert proceeding(case, supervisor).created_by == supervisor


def test_a_closed_case_takes_no_new_proceeding(case, owner, supervisor):
    closed = CaseFactory(actor=owner)
    closed = close_case(closed, requested_by=owner, approved_by=supervisor)
    with pytest.raises(PermissionDenied):
        proceeding(closed, supervisor)


def test_a_hearing_takes_the_proceedings_court_when_none_is_given(case, owner):
    made = proceeding(case, owner)
    hearing = services.hearing_schedule(
        actor=owner, proceeding=made, date=timezone.localdate() + dt.timedelta(days=3)
    )
    assert hearing.court == "Phnom Penh Court of First Instance"


def test_a_hearing_is_recorded_only_once_its_day_has_come(case, owner):
    made = proceeding(case, owner)
    day = dt.date(2026, 3, 10)
    with time_machine.travel(dt.datetime(2026, 3, 9, 16, 59, tzinfo=dt.UTC), tick=False):
        hearing = services.hearing_schedule(actor=owner, proceeding=made, date=day)
        # 23:59 on the 9th in Phnom Penh: the hearing is tomorrow.
        with pytest.raises(ValidationError) as error:
            services.hearing_record(actor=owner, hearing=hearing, attendance="attended")
        assert "attendance" in error.value.message_dict
    with time_machine.travel(dt.datetime(2026, 3, 9, 17, 0, tzinfo=dt.UTC), tick=False):
        services.hearing_record(
            actor=owner, hearing=hearing, attendance="attended", outcome="Testified by video."
        )
    hearing.refresh_from_db()
    assert hearing.attendance == "attended"
    assert hearing.outcome == "Testified by video."
    assert hearing.recorded_at is not None


def test_recording_a_hearing_needs_the_attendance(case, owner):
    made = proceeding(case, owner)
    hearing = services.hearing_schedule(
        actor=owner, proceeding=made, date=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError):
        services.hearing_record(actor=owner, hearing=hearing, attendance="")
    assert Hearing.objects.get().recorded_at is None


def test_protection_cannot_end_before_it_starts(case, owner):
    made = proceeding(case, owner)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.protection_measure_add(
            actor=owner, proceeding=made, kind="safe_house", starts_on=today,
            ends_on=today - dt.timedelta(days=1),
        )  # fmt: skip
    assert "ends_on" in error.value.message_dict


@pytest.mark.parametrize(
    ("paid", "paid_on", "field"),
    [(5_000_000, 0, "paid_riel"), (1_000_000, None, "paid_on"), (1_000_000, -1, "paid_on")],
)
def test_compensation_rules(case, owner, paid, paid_on, field):
    made = proceeding(case, owner)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.compensation_record(
            actor=owner, proceeding=made, ordered_riel=4_000_000, ordered_on=today,
            paid_riel=paid,
            paid_on=None if paid_on is None else today + dt.timedelta(days=paid_on),
        )  # fmt: skip
    assert field in error.value.message_dict
    assert not Compensation.objects.exists()


def test_a_partial_payment_is_kept(case, owner):
    made = proceeding(case, owner)
    today = timezone.localdate()
    compensation = services.compensation_record(
        actor=owner, proceeding=made, ordered_riel=4_000_000, ordered_on=today,
        paid_riel=1_500_000, paid_on=today,
    )  # fmt: skip
    assert (compensation.ordered_riel, compensation.paid_riel) == (4_000_000, 1_500_000)


def test_the_timeline_says_what_happened_never_the_details(case, owner):
    before = CaseEvent.objects.filter(case=case).count()
    full_proceeding(case, owner)
    events = CaseEvent.objects.filter(case=case).order_by("id")[before:]
    words = [event.text for event in events]
    assert words == [
        "Legal proceeding recorded",
        "Hearing scheduled",
        "Protection measure recorded",
        "Compensation recorded",
    ]
    stored = str([(e.message_args, e.note) for e in events])
    for detail in ("canary", "Phnom Penh", "PP-2026", "Legal Aid", "testimony", "4000000"):
        assert detail not in stored


def test_free_text_is_encrypted_at_rest(case, owner):
    full_proceeding(case, owner)
    with connection.cursor() as cursor:
        cursor.execute("SELECT court, file_number, lawyer, charges FROM legal_legalproceeding")
        row = cursor.fetchone()
        cursor.execute("SELECT purpose, court FROM legal_hearing")
        hearing = cursor.fetchone()
    assert "canary" not in str(row) and "PP-2026" not in str(row)
    assert "Phnom Penh" not in str(hearing) and "testimony" not in str(hearing)
    assert LegalProceeding.objects.get().charges == CHARGES


def test_anonymising_a_case_clears_its_legal_text_and_keeps_the_numbers(case, owner):
    from cases.retention import cases_anonymise
    from legal.models import ProtectionMeasure

    made = full_proceeding(case, owner)
    services.protection_measure_add(
        actor=owner, proceeding=made, kind="safe_house", starts_on=timezone.localdate(),
        notes="Safe house in Battambang",
    )  # fmt: skip
    cases_anonymise(case_ids=[case.pk])
    made.refresh_from_db()
    assert (made.court, made.file_number, made.lawyer, made.charges) == ("", "", "", "")
    assert made.kind == "criminal_complaint"
    hearing = Hearing.objects.get()
    assert (hearing.court, hearing.purpose) == ("", "")
    assert set(ProtectionMeasure.objects.values_list("notes", flat=True)) == {""}
    assert Compensation.objects.get().ordered_riel == 4_000_000
