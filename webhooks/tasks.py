"""Thin Celery task. The database records what is due: a run may come late, twice or in
parallel, and each claims its deliveries one at a time under SKIP LOCKED."""

from celery import shared_task

from . import delivery


@shared_task(ignore_result=True)
def webhook_deliveries_send_due() -> int:
    return delivery.deliveries_send_due().delivered


@shared_task(ignore_result=True)
def webhook_deliveries_purge_old() -> int:
    return delivery.deliveries_purge_old()
