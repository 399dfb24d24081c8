"""Receivers of other apps' signals, connected in ReferralsConfig.ready()."""

from .services import referrals_revoke_for_withdrawn_consent


def on_consent_withdrawn(sender, *, consent, actor, **kwargs) -> None:
    referrals_revoke_for_withdrawn_consent(consent=consent, actor=actor)
