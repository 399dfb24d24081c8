"""Cases closed longer than the organisation keeps identities are anonymised; the numbers
the dashboards count stay."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cases.models import Case, CaseSensitiveFacts, CounsellingSession
from cases.retention import cases_due_for_anonymising
from cases.tasks import cases_anonymise_due
from tests.cases.factories import CaseFactory, log_session
from tests.plans.factories import close_case

pytestmark = pytest.mark.django_db


def closed_case(*, owner, supervisor, years_ago: int, **kwargs):
    case = CaseFactory(actor=owner, **kwargs)
    close_case(case, requested_by=owner, approved_by=supervisor, reason="lost_contact")
    Case.objects.filter(pk=case.pk).update(
        closed_on=timezone.localdate() - dt.timedelta(days=365 * years_ago + 2)
    )
    return case


def test_old_closed_cases_lose_identity_and_keep_statistics(owner, supervisor, ngo, capsys):
    ngo.retention_years = 5
    ngo.save()
    old = closed_case(
        owner=owner, supervisor=supervisor, years_ago=6, name_latin="Touch Malis",
        family_contact="Father, 097 111 222", health_notes="TB treatment",
    )  # fmt: skip
    log_session(actor=owner, case=old, confidential_notes="Spoke about the broker Mr X.")
    recent = closed_case(owner=owner, supervisor=supervisor, years_ago=4, name_latin="Yim Bopha")
    open_case = CaseFactory(actor=owner, name_latin="Ly Sreymom")
    before = Case.objects.values("origin_province", "sex", "minor_at_intake").get(pk=old.pk)
    assert any(event.text for event in old.events.all())

    call_command("anonymise_closed_cases", "--dry-run")
    assert "1 closed cases are due" in capsys.readouterr().out
    call_command("anonymise_closed_cases")
    assert "Anonymised 1" in capsys.readouterr().out

    old.refresh_from_db()
    assert old.name_latin == "—" and old.family_contact == "" and old.origin_village is None
    assert old.date_of_birth.month == 1 and old.date_of_birth.day == 1
    assert Case.objects.values("origin_province", "sex", "minor_at_intake").get(pk=old.pk) == before
    assert old.phase == "closed" and old.closure_reason == "lost_contact"
    assert CaseSensitiveFacts.objects.get(case=old).health_notes == ""
    assert CounsellingSession.objects.filter(case=old).count() == 1
    assert CounsellingSession.objects.get(case=old).confidential_notes == ""
    assert [event.text for event in old.events.all()] == [""] * old.events.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name_latin, family_contact FROM cases_case WHERE id = %s", [old.pk])
        assert cursor.fetchone() == ("—", "")
    for kept in (recent, open_case):
        kept.refresh_from_db()
        assert kept.anonymised_on is None and kept.name_latin != "—"
    assert not cases_due_for_anonymising().exists()  # a second run has nothing to do


def test_beat_anonymises_the_cases_due_every_hour(owner, supervisor, ngo):
    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks["cases.tasks.cases_anonymise_due"] == 3600.0
    ngo.retention_years = 5
    ngo.save()
    old = closed_case(owner=owner, supervisor=supervisor, years_ago=6, name_latin="Touch Malis")
    recent = closed_case(owner=owner, supervisor=supervisor, years_ago=4, name_latin="Yim Bopha")

    assert cases_anonymise_due.name == "cases.tasks.cases_anonymise_due"
    assert cases_anonymise_due.apply().get() == 1

    assert Case.objects.get(pk=old.pk).name_latin == "—"
    assert Case.objects.get(pk=recent.pk).name_latin == "Yim Bopha"
    assert cases_anonymise_due.apply().get() == 0  # nothing twice
