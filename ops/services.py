import datetime as dt

from django.utils import timezone

from .models import Heartbeat

BEAT = "beat"


def heartbeat_record(*, name: str = BEAT, at: dt.datetime | None = None) -> Heartbeat:
    """One statement, no transaction or lock held: safe beside any other work."""
    heartbeat, _ = Heartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": at or timezone.now()}
    )
    return heartbeat
