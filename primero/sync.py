"""One exchange cycle with each organisation's Primero server.

1. Calls owed (the outbox), one at a time: each is claimed with SELECT … FOR UPDATE SKIP
   LOCKED and carried out in the transaction that marks it done, so two cycles never make the
   same call at once, and a cycle that dies between Primero's answer and the commit leaves
   the call owed. The next attempt then looks up what the first one created (the case by the
   record id chosen beforehand, the referral by the reference in its notes) before creating.
2. Answers to our referrals, read back from Primero.
3. Referrals Primero users sent to the organisation's recipient.

A network error or a 5xx puts the call back with a growing delay; a 4xx stops it with
Primero's reason for the administrator; a 401 stops the whole cycle and the connection waits
for the administrator (Primero locks an account after six failed sign-ins)."""

import datetime as dt
import logging
from collections import Counter
from itertools import groupby

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.models import OPEN_STATUSES, Referral, Service, Status
from referrals.services import referral_record_remote_answer, remote_answer_applies

from . import mapping
from .client import Client, NotFound, PrimeroError, Refused, SignInRefused, Unreachable
from .models import (
    CallKind,
    CallStatus,
    ConnectionState,
    InboundReferral,
    InboundStatus,
    OutboxCall,
    PrimeroConnection,
    ReferralLink,
)

logger = logging.getLogger(__name__)

SYSTEM = "Primero"
MARKER = "Homecoming reference"
# Seconds before the next attempt after the n-th network error or 5xx; then the last, on.
BACKOFF = (60, 300, 900, 3600, 6 * 3600)
ANSWERS = {"accepted": Status.ACCEPTED, "rejected": Status.DECLINED, "done": Status.COMPLETED}


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=BACKOFF[min(attempts, len(BACKOFF)) - 1])


# The calls


def _notes(referral: Referral, link: ReferralLink) -> str:
    parts = [referral.reason]
    if referral.is_overridden:
        parts.append(f"Sent without the survivor's consent: {referral.override_reason}")
    parts.append(f"{MARKER}: {link.reference}")
    return "\n\n".join(parts)


def _find_referral(client: Client, record_id: str, link: ReferralLink) -> dict | None:
    if link.primero_referral_id:
        return {"id": link.primero_referral_id, "status": link.primero_status}
    marker = f"{MARKER}: {link.reference}"
    for transition in client.referrals(record_id):
        if marker in (transition.get("notes") or "") and transition.get("status") != "revoked":
            return transition
    return None


def _send_referral(client: Client, call: OutboxCall) -> None:
    referral = Referral.objects.select_related(
        "case__sensitive_facts", "consent", "from_organisation"
    ).get(pk=call.referral_id)
    link = ReferralLink.objects.select_related("case_link").get(referral=referral)
    if referral.status not in OPEN_STATUSES or referral.consent_revoked_at is not None:
        return  # cancelled or withdrawn since: a retried call sends nothing
    record_id = str(link.case_link.primero_id)
    record = mapping.case_record(connection=call.connection, referral=referral)
    if client.case_get(record_id) is None:
        try:
            client.case_create({"id": record_id, "module_id": settings.PRIMERO_MODULE_ID, **record})
        except Refused as error:
            if error.status != 409:  # 409: created meanwhile; update it as below
                raise
            client.case_update(record_id, record)
    else:
        client.case_update(record_id, record)
    transition = _find_referral(client, record_id, link)
    if transition is None:
        transition = client.referral_create(
            record_id,
            {
                "transitioned_to": link.transitioned_to,
                "service": mapping.service_for(call.connection, referral.service),
                "notes": _notes(referral, link),
                "consent_overridden": referral.is_overridden,
            },
        )
    link.primero_referral_id = str(transition["id"])
    link.primero_status = transition.get("status") or "in_progress"
    link.save(update_fields=["primero_referral_id", "primero_status"])
    link.case_link.created_in_primero = True
    link.case_link.save(update_fields=["created_in_primero"])


def _revoke_referral(client: Client, call: OutboxCall) -> None:
    link = ReferralLink.objects.select_related("case_link").get(referral_id=call.referral_id)
    record_id = str(link.case_link.primero_id)
    try:
        transition = _find_referral(client, record_id, link)
        if transition is not None and transition.get("status") != "revoked":
            client.referral_revoke(record_id, transition["id"])
    except NotFound:
        pass  # never created, or already gone: nothing of it is shared any more
    link.revoked_at = timezone.now()
    link.primero_status = "revoked"
    link.save(update_fields=["revoked_at", "primero_status"])


def _answer_referral(client: Client, call: OutboxCall) -> None:
    inbound = call.inbound
    if inbound.status == InboundStatus.ACCEPTED:
        answer = {"status": "accepted"}
    else:
        answer = {"status": "rejected", "rejected_reason": inbound.decline_reason}
    client.referral_answer(inbound.primero_case_id, inbound.primero_referral_id, answer)


HANDLERS = {
    CallKind.SEND_REFERRAL: _send_referral,
    CallKind.REVOKE_REFERRAL: _revoke_referral,
    CallKind.ANSWER_REFERRAL: _answer_referral,
}


def _claim(connection: PrimeroConnection) -> OutboxCall | None:
    due = {"status": CallStatus.WAITING, "next_attempt_at__lte": timezone.now()}
    return (
        OutboxCall.objects.select_for_update(skip_locked=True)
        .filter(connection=connection, **due)
        .order_by("next_attempt_at", "id")
        .first()
    )


def _mark_done(call: OutboxCall) -> None:
    call.status, call.done_at, call.last_error = CallStatus.DONE, timezone.now(), ""
    call.save(update_fields=["status", "attempts", "done_at", "last_error"])


def _run_calls(client: Client, connection: PrimeroConnection, counts: Counter) -> None:
    while True:
        with transaction.atomic():
            call = _claim(connection)
            if call is None:
                return
            call.connection = connection
            call.attempts += 1
            try:
                HANDLERS[call.kind](client, call)
            except SignInRefused:
                raise
            except Unreachable as error:
                call.next_attempt_at = timezone.now() + backoff(call.attempts)
                call.last_error = str(error)
                call.save(update_fields=["attempts", "next_attempt_at", "last_error"])
                counts["put_back"] += 1
                unreachable = error
            except PrimeroError as error:
                call.status, call.last_error = CallStatus.FAILED, str(error)
                call.save(update_fields=["status", "attempts", "last_error"])
                counts["failed"] += 1
                logger.warning("Primero refused call %s: %s", call.pk, error)
                continue
            else:
                _mark_done(call)
                counts[call.kind] += 1
                continue
        # The server is not answering: leave the other calls for the next cycle.
        raise unreachable


# Reading back


def _read_answers(client: Client, connection: PrimeroConnection, counts: Counter) -> None:
    links = (
        ReferralLink.objects.filter(
            connection=connection, revoked_at__isnull=True, referral__status__in=OPEN_STATUSES
        )
        .exclude(primero_referral_id="")
        .select_related("case_link")
        .order_by("case_link_id", "pk")
    )
    for case_link, group in groupby(links, key=lambda link: link.case_link):
        try:
            transitions = {t.get("id"): t for t in client.referrals(str(case_link.primero_id))}
        except NotFound:
            continue
        for link in group:
            transition = transitions.get(link.primero_referral_id)
            if transition is None or transition.get("status") == link.primero_status:
                continue
            if _apply_answer(link, transition):
                counts["answers_read"] += 1


@transaction.atomic
def _apply_answer(link: ReferralLink, transition: dict) -> bool:
    status = transition.get("status") or ""
    referral = Referral.objects.select_for_update().get(pk=link.referral_id)
    to_status = ANSWERS.get(status)
    applied = False
    if to_status is not None and remote_answer_applies(referral, to_status):
        note = transition.get("rejected_reason") or transition.get("note_on_referral_from_provider")
        referral_record_remote_answer(
            referral=referral, to_status=to_status, system=SYSTEM, note=note or ""
        )
        applied = True
    ReferralLink.objects.filter(pk=link.pk).update(primero_status=status[:16])
    return applied


def _service(connection: PrimeroConnection, value) -> str:
    services = (connection.field_mapping or {}).get("services") or {}
    back = {primero: ours for ours, primero in services.items()}
    value = back.get(value, value)
    return value if value in Service.values else ""


def _read_inbound(client: Client, connection: PrimeroConnection, counts: Counter) -> None:
    known = dict(
        InboundReferral.objects.filter(connection=connection).values_list(
            "primero_referral_id", "status"
        )
    )
    for record in client.cases_referred_to(connection.recipient):
        record_id = str(record.get("id"))
        for transition in client.referrals(record_id):
            if transition.get("transitioned_to") != connection.recipient:
                continue
            transition_id, status = str(transition.get("id")), transition.get("status")
            if transition_id not in known and status == "in_progress":
                full = client.case_get(record_id) or record
                if _receive(connection, record_id, transition, full):
                    counts["received"] += 1
            elif known.get(transition_id) == InboundStatus.SENT and status == "revoked":
                # Primero no longer shares the case: what it shared is not kept.
                InboundReferral.objects.filter(
                    connection=connection, primero_referral_id=transition_id
                ).update(status=InboundStatus.REVOKED, shared={})
                counts["revoked_in_primero"] += 1


def _receive(connection, record_id: str, transition: dict, record: dict) -> bool:
    try:
        with transaction.atomic():
            InboundReferral.objects.create(
                connection=connection,
                primero_case_id=record_id,
                primero_referral_id=str(transition["id"]),
                short_id=str(record.get("short_id") or record.get("case_id_display") or "")[:32],
                sent_by=str(transition.get("transitioned_by") or "")[:150],
                service=_service(connection, transition.get("service")),
                notes=str(transition.get("notes") or ""),
                shared=mapping.inbound_shared(connection, record),
            )
    except IntegrityError:
        return False  # a cycle running at the same time received it
    return True


# The cycle


# What a cycle counts, as the administrator's page and the command name it.
CYCLE_COUNTS = {
    CallKind.SEND_REFERRAL: _("referrals sent"),
    CallKind.REVOKE_REFERRAL: _("referrals revoked"),
    CallKind.ANSWER_REFERRAL: _("answers sent"),
    "put_back": _("calls put back for later"),
    "failed": _("calls failed"),
    "answers_read": _("answers read back"),
    "received": _("referrals received"),
    "revoked_in_primero": _("referrals revoked in Primero"),
}


def cycle_summary(counts: dict) -> str:
    """The cycle's counts in the active language."""
    parts = [f"{CYCLE_COUNTS[key]}: {counts[key]}" for key in CYCLE_COUNTS if counts.get(key)]
    return "; ".join(parts) or str(_("nothing to do"))


def connection_cycle(connection: PrimeroConnection) -> str:
    name = connection.organisation.name
    if connection.state == ConnectionState.REFUSED:
        return f"{name}: skipped, Primero refused the sign-in; the administrator must save it again"
    client = Client(connection)
    counts: Counter = Counter()
    state, message = ConnectionState.OK, ""
    try:
        client.sign_in()
        _run_calls(client, connection, counts)
        _read_answers(client, connection, counts)
        _read_inbound(client, connection, counts)
    except SignInRefused as error:
        state, message = ConnectionState.REFUSED, str(error)
    except Unreachable as error:
        state, message = ConnectionState.UNREACHABLE, str(error)
    except Refused as error:
        message = str(error)
    PrimeroConnection.objects.filter(pk=connection.pk).update(
        state=state,
        state_message=message,
        last_cycle_at=timezone.now(),
        last_cycle_counts=dict(counts),
    )
    line = f"{name}: {cycle_summary(counts)}"
    return f"{line} (stopped: {message})" if message else line


def sync_cycle() -> list[str]:
    """One cycle for every connection; what it did, one line per connection."""
    connections = PrimeroConnection.objects.select_related("organisation").order_by("pk")
    return [connection_cycle(connection) for connection in connections]
