import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from .models import Heartbeat

BEAT = "beat"


def heartbeat_record(*, name: str = BEAT, at: dt.datetime | None = None) -> Heartbeat:
    """One statement, no transaction or lock held: safe beside any other work."""
    heartbeat, _ = Heartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": at or timezone.now()}
    )
    return heartbeat


def delete_in_batches(records: QuerySet, *, batch: int = 5_000) -> int:
    """Delete the records a few thousand at a time, each batch its own statement, so that no
    purge holds a long lock on a table others write to. Returns how many went."""
    deleted = 0
    while ids := list(records.order_by().values_list("pk", flat=True)[:batch]):
        deleted += records.model._default_manager.filter(pk__in=ids).delete()[0]
    return deleted
