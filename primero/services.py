"""Writes of the Primero exchange: the connection, retrying a call, answering a referral that
came from Primero. Each runs in one transaction."""

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.services import case_create
from organisations.models import Organisation, User

from .client import Client, PrimeroError, SignInRefused
from .models import (
    CallStatus,
    CaseLink,
    ConnectionState,
    InboundReferral,
    InboundStatus,
    OutboxCall,
    PrimeroConnection,
    PrimeroRoute,
)
from .outbox import inbound_answer_enqueue
from .permissions import can_answer_inbound, can_manage_primero


def connection_check(connection: PrimeroConnection) -> None:
    """A test call with the account: a clear ValidationError when it fails."""
    try:
        Client(connection).check()
    except SignInRefused:
        raise ValidationError(
            {"password": _("Primero refused this user name and password.")}
        ) from None
    except PrimeroError as error:
        raise ValidationError(
            {"base_url": _("Primero did not answer as expected: %(reason)s") % {"reason": error}}
        ) from None


@transaction.atomic
def connection_save(
    *,
    organisation: Organisation,
    base_url: str,
    username: str,
    password: str,
    recipient: str,
    auth_mode: str = "auto",
    field_mapping: dict | None = None,
    routes: dict[Organisation, str] | None = None,
    actor: User | None = None,
) -> PrimeroConnection:
    """Set up or change an organisation's connection, saved only once a test call with it
    succeeds. An empty password keeps the one saved."""
    if actor is not None and not can_manage_primero(actor):
        raise PermissionDenied(_("Only the organisation's administrator connects Primero."))
    connection = PrimeroConnection.objects.filter(organisation=organisation).first()
    connection = connection or PrimeroConnection(organisation=organisation)
    connection.base_url = base_url.strip().rstrip("/")
    connection.username = username.strip()
    if password:
        connection.password = password
    if not connection.password:
        raise ValidationError({"password": _("Give the integration account's password.")})
    connection.recipient = recipient.strip()
    connection.auth_mode = auth_mode
    if field_mapping is not None:
        connection.field_mapping = field_mapping
    if not (connection.base_url.startswith("https://") or settings.PRIMERO_ALLOW_HTTP):
        raise ValidationError(
            {"base_url": _("Use an https:// address: the password goes with every call.")}
        )
    connection.full_clean(exclude=["organisation"])
    connection_check(connection)
    connection.state, connection.state_message = ConnectionState.OK, ""
    connection.save()
    if routes is not None:
        connection.routes.exclude(organisation__in=list(routes)).delete()
        for destination, user_name in routes.items():
            PrimeroRoute.objects.update_or_create(
                connection=connection,
                organisation=destination,
                defaults={"transitioned_to": user_name},
            )
    return connection


@transaction.atomic
def call_retry(*, actor: User, call: OutboxCall) -> OutboxCall:
    if not can_manage_primero(actor):
        raise PermissionDenied
    call = OutboxCall.objects.select_for_update().get(pk=call.pk)
    if call.status == CallStatus.DONE:
        raise ValidationError(_("This call was already made."))
    call.status, call.next_attempt_at = CallStatus.WAITING, timezone.now()
    call.save(update_fields=["status", "next_attempt_at"])
    PrimeroConnection.objects.filter(pk=call.connection_id).exclude(
        state=ConnectionState.OK
    ).update(state=ConnectionState.OK, state_message="")
    return call


def _lock_open(actor: User, inbound: InboundReferral) -> InboundReferral:
    if not can_answer_inbound(actor, inbound):
        raise PermissionDenied(_("Only the receiving organisation answers this referral."))
    inbound = (
        InboundReferral.objects.select_for_update().select_related("connection").get(pk=inbound.pk)
    )
    if inbound.status != InboundStatus.SENT:
        raise ValidationError(_("This referral was already answered."))
    return inbound


def _link(inbound: InboundReferral, case) -> None:
    """Link the new case to Primero's, unless that record is linked already (a case this
    organisation once sent to Primero, referred back to it)."""
    try:
        primero_id = uuid.UUID(inbound.primero_case_id)
    except ValueError:
        return
    link = {"connection": inbound.connection, "primero_id": primero_id}
    if not CaseLink.objects.filter(**link).exists():
        CaseLink.objects.create(case=case, created_in_primero=True, **link)


@transaction.atomic
def inbound_accept(*, actor: User, inbound: InboundReferral, **case_fields) -> InboundReferral:
    """Accept in Homecoming: the survivor is registered as a case linked to Primero's, and the
    answer goes to Primero through the outbox."""
    inbound = _lock_open(actor, inbound)
    case = case_create(actor=actor, **case_fields)
    _link(inbound, case)
    inbound.status, inbound.case = InboundStatus.ACCEPTED, case
    inbound.answered_at, inbound.answered_by = timezone.now(), actor
    inbound.save(update_fields=["status", "case", "answered_at", "answered_by"])
    inbound_answer_enqueue(inbound=inbound)
    return inbound


@transaction.atomic
def inbound_decline(*, actor: User, inbound: InboundReferral, reason: str) -> InboundReferral:
    inbound = _lock_open(actor, inbound)
    if not reason.strip():
        raise ValidationError({"decline_reason": _("Say why the referral is declined.")})
    inbound.status, inbound.decline_reason = InboundStatus.DECLINED, reason.strip()
    inbound.answered_at, inbound.answered_by = timezone.now(), actor
    # Declined, the survivor is not this organisation's to know: what Primero shared goes.
    inbound.shared = {}
    inbound.save(update_fields=["status", "decline_reason", "answered_at", "answered_by", "shared"])
    inbound_answer_enqueue(inbound=inbound)
    return inbound
