from django.apps import AppConfig


class WebformsConfig(AppConfig):
    """What every form and API write shares: plausible dates, refusal of odd input, edit
    versions against lost updates and one-time tokens against double submission."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "webforms"
    verbose_name = "Forms"

    def ready(self) -> None:
        from .dates import refuse_implausible_dates

        refuse_implausible_dates()
