"""Community follow-up visits and the community resource directory."""

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from followup.selectors import community_resources_for, visit_get_for_user, visits_visible_to
from followup.services import (
    community_resource_create,
    visit_add,
    visit_cancel,
    visit_move,
    visit_record,
    visit_record_missed,
)

from ..concurrency import check_if_match
from ..filters import CommunityResourceFilter, VisitFilter
from ..idempotency import idempotent
from ..serializers.followup import (
    CommunityResourceCreateSerializer,
    CommunityResourceSerializer,
    VisitCancelSerializer,
    VisitCreateSerializer,
    VisitMissedSerializer,
    VisitMoveSerializer,
    VisitRecordInputSerializer,
    VisitSerializer,
)
from .base import DirectoryViewSet, PartnerViewSet, get_or_404


@extend_schema_view(
    list=extend_schema(summary="Follow-up visits of the cases the caller may see"),
    retrieve=extend_schema(summary="One follow-up visit; the ETag header is its version"),
    create=extend_schema(
        summary="Plan a follow-up visit",
        request=VisitCreateSerializer,
        responses={201: VisitSerializer},
    ),
)
class VisitViewSet(PartnerViewSet):
    """Community follow-up visits after a survivor's return."""

    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    honours_if_match = True

    def get_queryset(self):
        return (
            visits_visible_to(self.request.user)
            .select_related("case")
            .prefetch_related("resources")
        )

    def retrieve(self, request, pk=None):
        return self.respond(visit_get_for_user(user=request.user, pk=pk), etag=True)

    @idempotent
    def create(self, request):
        data = self.validated(VisitCreateSerializer)
        return self.respond(visit_add(actor=request.user, **data), status=201, etag=True)

    def _change(self, request, pk, service, serializer_class):
        with transaction.atomic():
            visit = visit_get_for_user(user=request.user, pk=pk, perm="change")
            check_if_match(request, visit, required=False)
            visit = service(actor=request.user, visit=visit, **self.validated(serializer_class))
        visit.refresh_from_db()
        return self.respond(visit, etag=True)

    @extend_schema(
        summary="Record what a planned visit found",
        request=VisitRecordInputSerializer,
        responses=VisitSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def record(self, request, pk=None):
        return self._change(request, pk, visit_record, VisitRecordInputSerializer)

    @extend_schema(
        summary="Record that a visit did not take place",
        request=VisitMissedSerializer,
        responses=VisitSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def missed(self, request, pk=None):
        return self._change(request, pk, visit_record_missed, VisitMissedSerializer)

    @extend_schema(
        summary="Cancel a planned visit", request=VisitCancelSerializer, responses=VisitSerializer
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request, pk=None):
        return self._change(request, pk, visit_cancel, VisitCancelSerializer)

    @extend_schema(
        summary="Move a planned visit to another day",
        request=VisitMoveSerializer,
        responses=VisitSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def move(self, request, pk=None):
        return self._change(request, pk, visit_move, VisitMoveSerializer)


@extend_schema_view(
    list=extend_schema(summary="The community resource directory shared by every organisation"),
    retrieve=extend_schema(summary="One community resource"),
    create=extend_schema(
        summary="Add a community resource",
        request=CommunityResourceCreateSerializer,
        responses={201: CommunityResourceSerializer},
    ),
)
class CommunityResourceViewSet(DirectoryViewSet):
    """Monks, village chiefs, schools and others who support survivors after return."""

    http_method_names = ["get", "post", "head", "options"]
    serializer_class = CommunityResourceSerializer
    filterset_class = CommunityResourceFilter

    def get_queryset(self):
        return community_resources_for(self.request.user)

    def retrieve(self, request, pk=None):
        return self.respond(get_or_404(self.get_queryset(), pk))

    @idempotent
    def create(self, request):
        data = self.validated(CommunityResourceCreateSerializer)
        return self.respond(community_resource_create(actor=request.user, **data), status=201)
