from celery import shared_task

from .services import idempotency_records_purge


@shared_task
def idempotency_records_purge_old() -> int:
    return idempotency_records_purge()
