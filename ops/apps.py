from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Health probes, request logs, beat's heartbeat and the read-replica router."""

    name = "ops"

    def ready(self):
        from . import tasks  # noqa: F401  (connects beat's start-up heartbeat)
