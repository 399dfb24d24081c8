from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Community follow-up")

    def ready(self) -> None:
        from cases.signals import case_assigned, case_phase_changed

        from . import receivers

        case_phase_changed.connect(
            receivers.on_case_phase_changed, dispatch_uid="followup.schedule_on_phase_change"
        )
        case_assigned.connect(
            receivers.on_case_assigned, dispatch_uid="followup.notify_on_case_assigned"
        )
