from celery import shared_task

from .services import referral_access_expire_due


@shared_task(name="referrals.tasks.referral_access_expire", ignore_result=True)
def referral_access_expire() -> int:
    """End access whose grace period has passed; safe to run twice (the service claims rows)."""
    return referral_access_expire_due()
