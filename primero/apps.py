from django.apps import AppConfig


class PrimeroConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "primero"
    verbose_name = "Primero"

    def ready(self) -> None:
        from . import receivers  # noqa: F401
