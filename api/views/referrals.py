"""Referrals: the caller's organisation's inbox and outbox, and the answers to them."""

from django.db import transaction
from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from referrals.models import Referral
from referrals.selectors import referral_get_for_user, referral_inbox_for, referral_outbox_for
from referrals.services import (
    referral_accept,
    referral_cancel,
    referral_complete,
    referral_decline,
    referral_send,
    referral_start,
)

from ..concurrency import check_if_match
from ..filters import ReferralFilter
from ..idempotency import idempotent
from ..serializers.referrals import (
    ReferralCompleteSerializer,
    ReferralCreateSerializer,
    ReferralDeclineSerializer,
    ReferralSerializer,
)
from .base import PartnerViewSet


@extend_schema_view(
    list=extend_schema(summary="Referrals the caller's organisation sent or received"),
    retrieve=extend_schema(summary="One referral; the ETag header is its version"),
    create=extend_schema(
        summary="Refer a case to another organisation (consent must cover what is shared)",
        request=ReferralCreateSerializer,
        responses={201: ReferralSerializer},
    ),
)
class ReferralViewSet(PartnerViewSet):
    """Referrals between organisations: the sender sees the outcome, the receiver answers."""

    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter
    honours_if_match = True

    def get_queryset(self):
        user = self.request.user
        return Referral.objects.filter(
            Q(pk__in=referral_inbox_for(user).values("pk"))
            | Q(pk__in=referral_outbox_for(user).values("pk"))
        ).select_related("case", "from_organisation", "to_organisation")

    def retrieve(self, request, pk=None):
        return self.respond(referral_get_for_user(user=request.user, pk=pk), etag=True)

    @idempotent
    def create(self, request):
        data = self.validated(ReferralCreateSerializer)
        referral = referral_send(actor=request.user, **data)
        return self.respond(referral, status=201, etag=True)

    def _answer(self, request, pk, service, serializer_class=None):
        with transaction.atomic():
            referral = referral_get_for_user(user=request.user, pk=pk)
            check_if_match(request, referral, required=False)
            arguments = self.validated(serializer_class) if serializer_class else {}
            referral = service(actor=request.user, referral=referral, **arguments)
        referral.refresh_from_db()
        return self.respond(referral, etag=True)

    @extend_schema(summary="Accept a referral received", request=None, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def accept(self, request, pk=None):
        return self._answer(request, pk, referral_accept)

    @extend_schema(
        summary="Decline a referral received",
        request=ReferralDeclineSerializer,
        responses=ReferralSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def decline(self, request, pk=None):
        return self._answer(request, pk, referral_decline, ReferralDeclineSerializer)

    @extend_schema(
        summary="Start the service of an accepted referral",
        request=None,
        responses=ReferralSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def start(self, request, pk=None):
        return self._answer(request, pk, referral_start)

    @extend_schema(
        summary="Complete a referral with its outcome",
        request=ReferralCompleteSerializer,
        responses=ReferralSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def complete(self, request, pk=None):
        return self._answer(request, pk, referral_complete, ReferralCompleteSerializer)

    @extend_schema(
        summary="Cancel a referral the caller's organisation sent",
        request=None,
        responses=ReferralSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request, pk=None):
        return self._answer(request, pk, referral_cancel)
