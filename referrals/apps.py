from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from cases.signals import consent_withdrawn

        from . import receivers

        consent_withdrawn.connect(
            receivers.on_consent_withdrawn, dispatch_uid="referrals.on_consent_withdrawn"
        )
