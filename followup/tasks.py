"""Thin Celery tasks. The database records what is due, so these may run late, twice or in
parallel: each run claims unsent rows under SKIP LOCKED."""

from celery import shared_task

from . import sending


@shared_task(acks_late=True, ignore_result=True)
def reminders_send_due(batch_size: int = 200, pause_in_batch: float = 0.0) -> int:
    return sending.reminders_send_due(batch_size=batch_size, pause_in_batch=pause_in_batch)
