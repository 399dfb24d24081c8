from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Invented organisations, logins and cases, written through every app's services.

    Kept apart so that the base apps depend on nothing above them; only `seed_demo` uses it.
    """

    name = "demo"
    verbose_name = _("Demo data")
