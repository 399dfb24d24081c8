"""A referral's changes owe calls to Primero when it goes to an organisation reached through
the sending organisation's Primero connection: the outbox row is written in the same
transaction as the change."""

from django.dispatch import receiver

from referrals.signals import referral_cancelled, referral_consent_withdrawn, referral_sent

from . import outbox


@receiver(referral_sent, dispatch_uid="primero-send")
def _send(sender, referral, **kwargs) -> None:
    outbox.referral_send_enqueue(referral=referral)


@receiver(referral_cancelled, dispatch_uid="primero-cancel")
@receiver(referral_consent_withdrawn, dispatch_uid="primero-withdrawn")
def _revoke(sender, referral, **kwargs) -> None:
    outbox.referral_revoke_enqueue(referral=referral)
