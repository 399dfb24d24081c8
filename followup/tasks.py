"""Thin Celery tasks. The database records what is due, so these may run late, twice or in
parallel: each run claims unsent rows under SKIP LOCKED.

The task is acknowledged when it starts, not when it ends (no acks_late): a run lost with its
worker is the next beat's run, and no message stays unacknowledged while a long run goes on.
An unacknowledged message in the worker when the Redis connection drops is what made kombu's
redis transport crash the worker (restoring it on a connection already torn down: "Restoring 1
unacknowledged message(s)" then AttributeError on 'hostname'); see config/settings/base.py."""

from celery import shared_task

from . import mail, sending


@shared_task(ignore_result=True)
def reminders_send_due(
    batch_size: int = 200, pause_in_batch: float = 0.0, pause_per_email: float = 0.0
) -> int:
    return sending.reminders_send_due(
        batch_size=batch_size, pause_in_batch=pause_in_batch, pause_per_email=pause_per_email
    )


@shared_task(ignore_result=True)
def email_deliveries_purge_old() -> int:
    return mail.email_deliveries_purge_old()
