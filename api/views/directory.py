"""The organisation directory, provinces, and the tombstone feed of cases that left view."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.response import Response

from organisations.models import Province

from ..filters import OrganisationFilter, TombstoneFilter
from ..pagination import CodeCursorPagination, NameCursorPagination, OccurredCursorPagination
from ..selectors import organisations_directory, tombstones_for
from ..serializers.directory import (
    OrganisationSerializer,
    ProvinceSerializer,
    TombstoneSerializer,
)
from .base import DirectoryViewSet, get_or_404


@extend_schema_view(
    list=extend_schema(summary="Active organisations, to address referrals and consents"),
    retrieve=extend_schema(summary="One organisation"),
)
class OrganisationViewSet(DirectoryViewSet):
    """The directory of active organisations."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    pagination_class = NameCursorPagination

    def get_queryset(self):
        return organisations_directory()

    def retrieve(self, request, pk=None):
        return Response(self.serializer_class(get_or_404(self.get_queryset(), pk)).data)


@extend_schema_view(
    list=extend_schema(summary="Cambodia's 25 provinces (official codes)"),
    retrieve=extend_schema(
        summary="One province",
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, pattern=r"^\d{1,8}$")],
    ),
)
class ProvinceViewSet(DirectoryViewSet):
    """Provinces with their official codes (Ministry of Economy and Finance, 2025)."""

    serializer_class = ProvinceSerializer
    pagination_class = CodeCursorPagination
    lookup_field = "code"
    filterset_class = None

    def get_queryset(self):
        return Province.objects.all()

    def retrieve(self, request, code=None):
        if not (code and code.isdigit() and len(code) <= 8):
            raise Http404("No such province.")
        try:
            province = Province.objects.get(code=code)
        except Province.DoesNotExist:
            raise Http404("No such province.") from None
        return Response(self.serializer_class(province).data)


@extend_schema_view(
    list=extend_schema(
        summary="Cases that left the caller's view: drop them and everything under them",
        description=(
            "A case appears here once sharing with the caller's organisation ended (a referral "
            "completed, cancelled or its consent withdrawn) while it stays out of view. Only "
            "the case id and the time are given."
        ),
    ),
)
class TombstoneViewSet(DirectoryViewSet):
    """Cases that left the caller's view since a time."""

    # Which cases left the caller's view is survivor data: listed in the audit log.
    audit_actions = {}

    serializer_class = TombstoneSerializer
    filterset_class = TombstoneFilter
    pagination_class = OccurredCursorPagination

    def get_queryset(self):
        return tombstones_for(self.request.user)
