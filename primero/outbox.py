"""Writing the outbox: which change owes which call to Primero."""

from django.db import transaction
from django.utils import timezone

from referrals.models import Referral

from .models import (
    CallKind,
    CallStatus,
    CaseLink,
    InboundReferral,
    OutboxCall,
    PrimeroRoute,
    ReferralLink,
)


def route_for(referral: Referral) -> PrimeroRoute | None:
    return (
        PrimeroRoute.objects.select_related("connection")
        .filter(
            connection__organisation_id=referral.from_organisation_id,
            organisation_id=referral.to_organisation_id,
        )
        .first()
    )


@transaction.atomic
def referral_send_enqueue(*, referral: Referral) -> OutboxCall | None:
    """The case's Primero record id is chosen and committed here, before any call, so that
    a call retried after a crash looks that record up instead of creating a second one."""
    route = route_for(referral)
    if route is None:
        return None
    connection = route.connection
    case_link, _ = CaseLink.objects.get_or_create(connection=connection, case_id=referral.case_id)
    ReferralLink.objects.create(
        referral=referral,
        connection=connection,
        case_link=case_link,
        transitioned_to=route.transitioned_to,
    )
    return OutboxCall.objects.create(
        connection=connection, kind=CallKind.SEND_REFERRAL, referral=referral
    )


@transaction.atomic
def referral_revoke_enqueue(*, referral: Referral) -> OutboxCall | None:
    link = ReferralLink.objects.filter(referral=referral, revoked_at__isnull=True).first()
    if link is None:
        return None
    # A send still owed is not made at all; the revocation looks up what a crashed attempt
    # may have created.
    OutboxCall.objects.filter(
        referral=referral, kind=CallKind.SEND_REFERRAL, status__in=(CallStatus.WAITING,)
    ).update(status=CallStatus.DONE, done_at=timezone.now(), last_error="Cancelled before sending.")
    if OutboxCall.objects.filter(
        referral=referral, kind=CallKind.REVOKE_REFERRAL, status=CallStatus.WAITING
    ).exists():
        return None
    return OutboxCall.objects.create(
        connection=link.connection, kind=CallKind.REVOKE_REFERRAL, referral=referral
    )


def inbound_answer_enqueue(*, inbound: InboundReferral) -> OutboxCall:
    return OutboxCall.objects.create(
        connection=inbound.connection, kind=CallKind.ANSWER_REFERRAL, inbound=inbound
    )
