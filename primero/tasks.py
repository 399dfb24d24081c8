from celery import shared_task

from .sync import sync_cycle


@shared_task(name="primero.tasks.primero_sync", ignore_result=True)
def primero_sync() -> int:
    """One exchange cycle; safe to run twice at once (calls are claimed under SKIP LOCKED)."""
    return len(sync_cycle())
