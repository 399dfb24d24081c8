"""Legal proceedings and hearings, through the legal app's selectors and services, like its
pages: read where the case's health facts are seen, recorded by the owning organisation."""

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from audit.models import Action
from legal import services
from legal.selectors import hearings_visible_to, proceedings_visible_to

from ..filters import HearingFilter, LegalProceedingFilter
from ..idempotency import idempotent
from ..pagination import CreatedCursorPagination, DateCursorPagination
from ..serializers.legal import (
    CompensationCreateSerializer,
    HearingMoveSerializer,
    HearingRecordSerializer,
    HearingScheduleSerializer,
    HearingSerializer,
    LegalProceedingCreateSerializer,
    LegalProceedingSerializer,
    ProtectionMeasureCreateSerializer,
)
from .base import PartnerViewSet, get_or_404


@extend_schema_view(
    list=extend_schema(
        summary="Legal proceedings of the cases whose legal detail the caller sees, with their "
        "hearings, protection measures and compensation"
    ),
    retrieve=extend_schema(summary="One legal proceeding"),
    create=extend_schema(
        summary="Record a legal proceeding of a case",
        request=LegalProceedingCreateSerializer,
        responses={201: LegalProceedingSerializer},
    ),
)
class LegalProceedingViewSet(PartnerViewSet):
    """Criminal complaints, trials, civil claims and immigration proceedings. Legal detail is
    restricted like health facts: shared with another organisation only where its referral
    shares health facts, and recorded only by the case's own organisation."""

    http_method_names = ["get", "post", "head", "options"]
    serializer_class = LegalProceedingSerializer
    filterset_class = LegalProceedingFilter
    pagination_class = CreatedCursorPagination
    audit_actions = {
        "hearings": Action.UPDATE,
        "protection_measures": Action.UPDATE,
        "compensations": Action.UPDATE,
    }

    def get_queryset(self):
        return proceedings_visible_to(self.request.user)

    def retrieve(self, request, pk=None):
        return self.respond(get_or_404(self.get_queryset(), pk))

    @idempotent
    def create(self, request):
        data = self.validated(LegalProceedingCreateSerializer)
        proceeding = services.legal_proceeding_create(actor=request.user, **data)
        return self.respond(self.get_queryset().get(pk=proceeding.pk), status=201)

    def _add(self, request, pk, service, serializer_class):
        with transaction.atomic():
            proceeding = get_or_404(self.get_queryset(), pk)
            service(actor=request.user, proceeding=proceeding, **self.validated(serializer_class))
        return self.respond(self.get_queryset().get(pk=proceeding.pk))

    @extend_schema(
        summary="Schedule a hearing; the case's worker is reminded a week and a day before",
        request=HearingScheduleSerializer,
        responses=LegalProceedingSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def hearings(self, request, pk=None):
        return self._add(request, pk, services.hearing_schedule, HearingScheduleSerializer)

    @extend_schema(
        summary="Record a protection measure",
        request=ProtectionMeasureCreateSerializer,
        responses=LegalProceedingSerializer,
    )
    @action(detail=True, methods=["post"], url_path="protection-measures")
    @idempotent
    def protection_measures(self, request, pk=None):
        return self._add(
            request, pk, services.protection_measure_add, ProtectionMeasureCreateSerializer
        )

    @extend_schema(
        summary="Record compensation ordered (and paid), in riel",
        request=CompensationCreateSerializer,
        responses=LegalProceedingSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def compensations(self, request, pk=None):
        return self._add(request, pk, services.compensation_record, CompensationCreateSerializer)


@extend_schema_view(
    list=extend_schema(summary="Hearings of the cases whose legal detail the caller sees"),
    retrieve=extend_schema(summary="One hearing"),
)
class HearingViewSet(PartnerViewSet):
    """Court hearings: recorded (attendance, support, outcome) on or after their day, moved
    when the court sets a new one, cancelled; the reminders follow."""

    http_method_names = ["get", "post", "head", "options"]
    serializer_class = HearingSerializer
    filterset_class = HearingFilter
    pagination_class = DateCursorPagination

    @staticmethod
    def case_of(instance):
        return instance.proceeding.case

    def get_queryset(self):
        return hearings_visible_to(self.request.user)

    def retrieve(self, request, pk=None):
        return self.respond(get_or_404(self.get_queryset(), pk))

    def _change(self, request, pk, service, serializer_class):
        with transaction.atomic():
            hearing = get_or_404(self.get_queryset(), pk)
            data = self.validated(serializer_class) if serializer_class else {}
            service(actor=request.user, hearing=hearing, **data)
        return self.respond(self.get_queryset().get(pk=hearing.pk))

    @extend_schema(
        summary="Record whether the survivor attended, with whom, and the outcome",
        request=HearingRecordSerializer,
        responses=HearingSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def record(self, request, pk=None):
        return self._change(request, pk, services.hearing_record, HearingRecordSerializer)

    @extend_schema(
        summary="Move a hearing to the day the court set",
        request=HearingMoveSerializer,
        responses=HearingSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def move(self, request, pk=None):
        return self._change(request, pk, services.hearing_move, HearingMoveSerializer)

    @extend_schema(summary="Cancel a hearing", request=None, responses=HearingSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request, pk=None):
        return self._change(request, pk, services.hearing_cancel, None)
