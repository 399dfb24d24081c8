"""Follow-up reacts to a case's phase changes (sent inside the phase-change transaction)."""

from cases.models import Phase

from . import services


def on_case_phase_changed(sender, *, case, actor, from_phase, to_phase, **kwargs) -> None:
    if to_phase == Phase.REINTEGRATED:
        services.followup_schedule_create(actor=actor, case=case)
    elif to_phase == Phase.CLOSED:
        services.followup_cancel_for_closed_case(actor=actor, case=case)
