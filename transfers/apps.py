from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "transfers"
    verbose_name = _("Transfers of cases")
