"""Follow-up reacts to a case's phase changes and assignments (sent inside the service's
transaction)."""

from cases.models import Phase

from . import services


def on_case_assigned(sender, *, case, actor, worker, **kwargs) -> None:
    services.notification_case_assigned(case=case, worker=worker, actor=actor)


def on_case_phase_changed(sender, *, case, actor, from_phase, to_phase, **kwargs) -> None:
    if to_phase == Phase.REINTEGRATED:
        services.followup_schedule_create(actor=actor, case=case)
    elif to_phase == Phase.CLOSED:
        services.followup_cancel_for_closed_case(actor=actor, case=case)
