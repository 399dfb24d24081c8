"""Hooks for apps that act on a referral's changes (the Primero exchange). Each is sent
inside the transaction of the change, so what a receiver writes (an outbox row) commits or
rolls back with it."""

from django.dispatch import Signal

# keyword argument: referral
referral_sent = Signal()
referral_cancelled = Signal()
referral_consent_withdrawn = Signal()
