from celery import shared_task

from .services import transfer_sender_access_expire_due


@shared_task(name="transfers.tasks.transfer_sender_access_expire", ignore_result=True)
def transfer_sender_access_expire() -> int:
    """Note the end of senders' grace periods; safe to run twice (the service claims rows)."""
    return transfer_sender_access_expire_due()
