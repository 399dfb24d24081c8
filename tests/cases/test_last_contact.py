"""The last contact stored on each case (the Team page reads it from an index) equals what
the sessions and visits say, after any sequence of the writes that change them."""

import datetime as dt
import random

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.utils import timezone

from cases.models import Case
from cases.selectors import last_contact_expression
from followup.models import FollowUpVisit, VisitStatus
from followup.services import visit_cancel, visit_record, visit_record_missed
from tests.cases.factories import CaseFactory, log_session
from tests.followup.factories import planned_visit

pytestmark = pytest.mark.django_db


def drift():
    """Cases whose stored last contact differs from the one computed from their rows."""
    rows = Case.objects.annotate(computed=last_contact_expression()).values_list(
        "case_number", "last_contact_on", "computed"
    )
    return [row for row in rows if row[1] != row[2]]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_stored_last_contact_equals_the_rows_after_random_writes(owner, seed):
    rng = random.Random(seed)
    today = timezone.localdate()
    cases = [
        CaseFactory(actor=owner, intake_date=today - dt.timedelta(days=rng.randint(30, 400)))
        for _ in range(4)
    ]

    def a_day(case):
        return case.intake_date + dt.timedelta(days=rng.randint(0, (today - case.intake_date).days))

    for _ in range(40):
        case = rng.choice(cases)
        planned = list(case.followup_visits.filter(status=VisitStatus.PLANNED))
        step = rng.choice(["session", "plan", "record", "missed", "cancel"])
        if step == "session":
            log_session(actor=owner, case=case, session_date=a_day(case))
        elif step == "plan" or not planned:
            planned_visit(case, on=a_day(case))
        elif step == "record":
            visit_record(actor=owner, visit=rng.choice(planned), visited_on=a_day(case))
        elif step == "missed":
            visit_record_missed(actor=owner, visit=rng.choice(planned))
        else:
            visit_cancel(actor=owner, visit=rng.choice(planned), reason="Family moved.")
        assert drift() == [], step
    # Not every case is left without a contact: the comparison had something to compare.
    assert Case.objects.filter(last_contact_on__isnull=False).exists()


def test_a_visit_changed_or_deleted_in_the_admin_moves_the_last_contact(owner, org_admin):
    case = CaseFactory(actor=owner, intake_date=timezone.localdate() - dt.timedelta(days=90))
    visit = planned_visit(case, on=timezone.localdate() - dt.timedelta(days=20))
    visit = visit_record(actor=owner, visit=visit, visited_on=visit.scheduled_for)
    admin = site._registry[FollowUpVisit]
    request = RequestFactory().post("/")
    request.user = org_admin
    visit.visited_on = timezone.localdate() - dt.timedelta(days=10)
    admin.save_model(request, visit, form=type("Form", (), {"initial": {}})(), change=True)
    case.refresh_from_db()
    assert case.last_contact_on == visit.visited_on
    admin.delete_model(request, visit)
    case.refresh_from_db()
    assert case.last_contact_on is None
    assert drift() == []
