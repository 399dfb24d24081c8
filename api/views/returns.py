"""Cross-border returns: read and recorded through the returns app's selectors and services,
like its pages."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from audit.models import Action
from returns import services
from returns.selectors import returns_visible_to

from ..filters import ReturnFilter
from ..idempotency import idempotent
from ..serializers.returns import ReturnCreateSerializer, ReturnSerializer, StepRecordSerializer
from .base import PartnerViewSet, get_or_404


@extend_schema_view(
    list=extend_schema(summary="Cross-border returns of the cases whose protection facts the "
                       "caller sees"),
    retrieve=extend_schema(summary="One cross-border return with its checklist"),
    create=extend_schema(
        summary="Start a case's cross-border return (into or out of Cambodia)",
        request=ReturnCreateSerializer,
        responses={201: ReturnSerializer},
    ),
)  # fmt: skip
class ReturnViewSet(PartnerViewSet):
    """A survivor's return across a border, with its checklist of steps done (when, by whom).
    Restricted like legal detail: shared with another organisation only where a referral's
    consent covers health facts; recorded only by the organisation that owns the case."""

    serializer_class = ReturnSerializer
    filterset_class = ReturnFilter
    http_method_names = ["get", "post", "head", "options"]
    audit_actions = {**PartnerViewSet.audit_actions, "steps": Action.UPDATE}

    def get_queryset(self):
        return returns_visible_to(self.request.user).select_related("case")

    def retrieve(self, request, pk=None):
        return self.respond(get_or_404(self.get_queryset(), pk))

    @idempotent
    def create(self, request):
        data = self.validated(ReturnCreateSerializer)
        ret = services.return_start(actor=request.user, **data)
        return self.respond(self.get_queryset().get(pk=ret.pk), status=201)

    @extend_schema(
        summary="Record a step of the checklist as done (again, to correct it)",
        request=StepRecordSerializer,
        responses=ReturnSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def steps(self, request, pk=None):
        ret = get_or_404(self.get_queryset(), pk)
        data = self.validated(StepRecordSerializer)
        services.return_step_record(actor=request.user, cross_border_return=ret, **data)
        return self.respond(self.get_queryset().get(pk=ret.pk))
