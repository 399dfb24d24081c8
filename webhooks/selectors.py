"""Reads of webhook endpoints and deliveries: the administrator's organisation's only, and
404 alike for one that does not exist and one of another organisation."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from organisations.models import Organisation, User
from organisations.permissions import active_membership

from .models import OPEN_STATUSES, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from .permissions import can_manage_webhooks


def administered_organisation_for_webhooks(user: User) -> Organisation:
    membership = active_membership(user)
    if membership is None or not can_manage_webhooks(user, membership.organisation):
        raise Http404("No such page.")
    return membership.organisation


def webhook_endpoints_for(user: User, organisation: Organisation) -> QuerySet[WebhookEndpoint]:
    if not can_manage_webhooks(user, organisation):
        return WebhookEndpoint.objects.none()
    return (
        WebhookEndpoint.objects.filter(organisation=organisation)
        .select_related("created_by")
        .annotate(
            waiting=Count("deliveries", filter=Q(deliveries__status__in=OPEN_STATUSES)),
            given_up=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
        )
    )


def webhook_endpoint_get_for_admin(*, user: User, pk: int) -> WebhookEndpoint:
    organisation = administered_organisation_for_webhooks(user)
    try:
        return (
            WebhookEndpoint.objects.select_related("organisation", "created_by")
            .filter(organisation=organisation)
            .get(pk=pk)
        )
    except WebhookEndpoint.DoesNotExist:
        raise Http404("No such endpoint.") from None


def webhook_deliveries_of(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return endpoint.deliveries.order_by("-occurred_at", "-pk")


def webhook_delivery_get_for_admin(*, user: User, endpoint_pk: int, pk: int) -> WebhookDelivery:
    endpoint = webhook_endpoint_get_for_admin(user=user, pk=endpoint_pk)
    try:
        delivery = endpoint.deliveries.get(pk=pk)
    except WebhookDelivery.DoesNotExist:
        raise Http404("No such delivery.") from None
    delivery.endpoint = endpoint
    return delivery
