"""The one place each event is announced from. Each function is called by the service that
makes the change, inside its transaction, and writes one pending delivery per endpoint of the
organisations entitled to know that asked for the event: the delivery commits or rolls back
with the change. No endpoint, no row: one query.

Who is told:
- referral.created, referral.answered (accepted or declined), referral.completed: the
  referring and the receiving organisation, each a party to the referral and able to read it;
- case.shared, case.unshared: the organisation that starts or stops seeing the case;
- consent.withdrawn: the case's organisation (an organisation whose access relied on the
  consent is told case.unshared);
- visit.overdue: the case's organisation, when the overdue reminder first goes out;
- transfer.requested, transfer.accepted, transfer.declined, transfer.cancelled: the sending
  and the receiving organisation, the two parties to the transfer and the only ones who read
  it. An accepted transfer changes who sees the case, and that is told as any such change:
  the receiver, which now owns it, case.shared; the sender, when its grace period ends,
  case.unshared."""

from collections import defaultdict
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from .models import Event, WebhookDelivery, WebhookEndpoint
from .signing import message_id_generate


def _emit(event: str, targets: Iterable[tuple[int, str]]) -> int:
    """One delivery per (organisation id, resource path) and subscribed endpoint of that
    organisation."""
    targets = list(dict.fromkeys(targets))
    subscribed: dict[int, list[WebhookEndpoint]] = defaultdict(list)
    for endpoint in WebhookEndpoint.objects.filter(
        organisation_id__in={organisation_id for organisation_id, _path in targets},
        organisation__is_active=True,
    ).only("pk", "organisation_id", "events"):
        if event in endpoint.events:
            subscribed[endpoint.organisation_id].append(endpoint)
    if not subscribed:
        return 0
    now = timezone.now()
    rows = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                message_id=message_id_generate(),
                event=event,
                resource=resource,
                occurred_at=now,
                next_attempt_at=now,
            )
            for organisation_id, resource in targets
            for endpoint in subscribed[organisation_id]
        ]
    )
    return len(rows)


def _api(name: str, pk: int) -> str:
    return reverse(f"api:{name}-detail", args=[pk])


def _both_parties(event: str, name: str, record) -> int:
    """A referral's or a transfer's event, for the organisation it is from and the one it is
    to, the two that read it."""
    resource = _api(name, record.pk)
    parties = (record.from_organisation_id, record.to_organisation_id)
    return _emit(event, [(organisation_id, resource) for organisation_id in parties])


def _referral(event: str, referral) -> int:
    return _both_parties(event, "referral", referral)


def referral_created(referral) -> int:
    return _referral(Event.REFERRAL_CREATED, referral)


def referral_answered(referral) -> int:
    return _referral(Event.REFERRAL_ANSWERED, referral)


def referral_completed(referral) -> int:
    return _referral(Event.REFERRAL_COMPLETED, referral)


def case_shared(case, organisation) -> int:
    return _emit(Event.CASE_SHARED, [(organisation.pk, _api("case", case.pk))])


def case_unshared(case, organisation) -> int:
    return _emit(Event.CASE_UNSHARED, [(organisation.pk, _api("case", case.pk))])


def consent_withdrawn(consent) -> int:
    target = (consent.case.organisation_id, _api("consent", consent.pk))
    return _emit(Event.CONSENT_WITHDRAWN, [target])


def visits_overdue(visits: Iterable) -> int:
    """Several visits at once, in one query: the reminders are sent in batches."""
    targets = [(visit.case.organisation_id, _api("visit", visit.pk)) for visit in visits]
    return _emit(Event.VISIT_OVERDUE, targets) if targets else 0


def _transfer(event: str, transfer) -> int:
    return _both_parties(event, "transfer", transfer)


def transfer_requested(transfer) -> int:
    return _transfer(Event.TRANSFER_REQUESTED, transfer)


def transfer_accepted(transfer) -> int:
    """Both parties are told of the answer; the receiver, which now owns the case, is told
    it sees the case, as any organisation that starts to is: fetch it."""
    shared = (transfer.to_organisation_id, _api("case", transfer.case_id))
    return _transfer(Event.TRANSFER_ACCEPTED, transfer) + _emit(Event.CASE_SHARED, [shared])


def transfer_declined(transfer) -> int:
    return _transfer(Event.TRANSFER_DECLINED, transfer)


def transfer_cancelled(transfer) -> int:
    return _transfer(Event.TRANSFER_CANCELLED, transfer)


def transfer_sender_access_ended(transfer) -> int:
    """The organisation that handed the case over reads it no more: drop your copy."""
    target = (transfer.from_organisation_id, _api("case", transfer.case_id))
    return _emit(Event.CASE_UNSHARED, [target])


__all__ = [
    "case_shared",
    "case_unshared",
    "consent_withdrawn",
    "referral_answered",
    "referral_completed",
    "referral_created",
    "transfer_accepted",
    "transfer_cancelled",
    "transfer_declined",
    "transfer_requested",
    "transfer_sender_access_ended",
    "visits_overdue",
]
