from django.db.models import Count, QuerySet
from django.http import Http404

from cases.permissions import active_membership
from organisations.models import User

from .models import CallStatus, InboundReferral, OutboxCall, PrimeroConnection
from .permissions import can_manage_primero, can_see_inbound


def connection_for_admin(user: User) -> PrimeroConnection | None:
    """The administrator's organisation's connection (None if not set up); 404 for others."""
    if not can_manage_primero(user):
        raise Http404
    organisation_id = active_membership(user).organisation_id
    return (
        PrimeroConnection.objects.filter(organisation_id=organisation_id)
        .prefetch_related("routes__organisation")
        .first()
    )


def outbox_counts(connection: PrimeroConnection) -> dict[str, int]:
    rows = (
        OutboxCall.objects.filter(connection=connection)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {status: 0 for status in CallStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def outbox_calls(connection: PrimeroConnection, status: str) -> QuerySet[OutboxCall]:
    return OutboxCall.objects.filter(connection=connection, status=status).order_by(
        "-created_at", "-id"
    )


def call_get_for_admin(*, user: User, pk: int) -> OutboxCall:
    connection = connection_for_admin(user)
    call = OutboxCall.objects.filter(connection=connection, pk=pk).first()
    if connection is None or call is None:
        raise Http404
    return call


def inbound_list_for(user: User) -> QuerySet[InboundReferral]:
    if not can_see_inbound(user):
        return InboundReferral.objects.none()
    organisation_id = active_membership(user).organisation_id
    return InboundReferral.objects.filter(connection__organisation_id=organisation_id)


def inbound_get_for_user(*, user: User, pk: int) -> InboundReferral:
    inbound = inbound_list_for(user).select_related("connection", "case").filter(pk=pk).first()
    if inbound is None:
        raise Http404
    return inbound
