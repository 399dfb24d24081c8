from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Survivors' cases")

    def ready(self):
        from . import labels

        labels.install(apps.get_models())
