import datetime as dt

from cases.services import case_change_phase
from followup.models import FollowUpVisit, Reminder
from followup.services import reminder_due_times
from tests.plans.factories import approved_plan

PATH_TO_REINTEGRATION = ("intake", "recovery", "reintegration_planning", "reintegrated")


def reintegrate(case, actor):
    """Walk a case along the survivor's path into reintegration, as a worker would, with the
    approved plan that reintegration needs."""
    approved_plan(case, actor)
    for phase in PATH_TO_REINTEGRATION:
        case = case_change_phase(actor=actor, case=case, to_phase=phase)
    return case


def planned_visit(case, *, on: dt.date, worker=None, with_reminders=True) -> FollowUpVisit:
    """A planned visit on any date (even past), bypassing the service's date checks."""
    visit = FollowUpVisit.objects.create(
        case=case, scheduled_for=on, assigned_worker=worker or case.assigned_worker
    )
    if with_reminders:
        Reminder.objects.bulk_create(
            Reminder(visit=visit, kind=kind, due_at=due_at)
            for kind, due_at in reminder_due_times(on).items()
        )
    return visit
