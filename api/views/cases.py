"""Cases, consents and counselling sessions."""

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from cases.models import Case
from cases.permissions import can_edit_case
from cases.selectors import (
    case_get_for_user,
    case_last_changed,
    case_list_visible_in_parts,
    case_list_visible_to,
    consents_visible_to,
    counselling_sessions_visible_to,
)
from cases.services import (
    case_change_phase,
    case_create,
    case_intake,
    case_update,
    consent_record,
    consent_withdraw,
    counselling_session_log,
)

from ..concurrency import check_if_match
from ..filters import CaseFilter, ConsentFilter, CounsellingSessionFilter, handover_moments_of
from ..idempotency import idempotent
from ..pagination import ChangedCursorPagination
from ..serializers.cases import (
    CaseCreateSerializer,
    CaseSerializer,
    CaseUpdateSerializer,
    PhaseChangeSerializer,
)
from ..serializers.consents import (
    ConsentCreateSerializer,
    ConsentSerializer,
    ConsentWithdrawSerializer,
    CounsellingSessionCreateSerializer,
    CounsellingSessionSerializer,
)
from .base import PartnerViewSet, get_or_404


@extend_schema_view(
    list=extend_schema(summary="Cases the caller's organisation may see, oldest change first"),
    retrieve=extend_schema(summary="One case; the ETag header is its version"),
    create=extend_schema(
        summary="Register a survivor (with the consent given, if sent)",
        request=CaseCreateSerializer,
        responses={201: CaseSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a case's details (If-Match required)",
        request=CaseUpdateSerializer,
        responses=CaseSerializer,
    ),
)
class CaseViewSet(PartnerViewSet):
    """A survivor's case. Identity, case facts and sensitive facts are null unless the
    caller's organisation may see them, by the same rules as the browser."""

    serializer_class = CaseSerializer
    # The filter set annotates `last_changed`, which the pages are ordered by.
    filterset_class = CaseFilter
    pagination_class = ChangedCursorPagination
    honours_if_match = True

    @staticmethod
    def case_of(instance):
        return instance

    def get_queryset(self):
        return self.with_related(case_list_visible_to(self.request.user))

    @staticmethod
    def with_related(cases):
        return cases.select_related("organisation", "sensitive_facts").prefetch_related(
            "exploitations"
        )

    def list_parts(self) -> list:
        """The list's disjoint parts (cases.selectors.case_list_visible_in_parts), each with
        the request's filters, for the paginator to read a page part by part. Nothing for
        `updated_since`, which reads the cases changed since in parts already."""
        if "updated_since" in self.request.query_params:
            return []
        return [
            self.filter_queryset(part) for part in case_list_visible_in_parts(self.request.user)
        ]

    def list_rows(self, ids):
        """The cases of a page read part by part, by their ids alone: the parts they come
        from are the caller's visibility and filters (`list_parts`), as for `updated_since`
        (api.selectors.case_ids_changed_since); with when each last changed as the caller
        reads it, which the page is ordered by."""
        moments = handover_moments_of(self.request)
        cases = Case.objects.filter(pk__any_of=ids)
        return self.with_related(cases).annotate(last_changed=case_last_changed(moments))

    def retrieve(self, request, pk=None):
        return self.respond(case_get_for_user(user=request.user, pk=pk), etag=True)

    def respond(self, instance, **kwargs):
        # The forms of exploitation are read twice (the set, and the deprecated single form).
        prefetch_related_objects([instance], "exploitations")
        return super().respond(instance, **kwargs)

    @idempotent
    def create(self, request):
        data = self.validated(CaseCreateSerializer)
        consent = data.pop("consent", None)
        if consent is None:
            case = case_create(actor=request.user, **data)
        else:
            case = case_intake(actor=request.user, consent=consent, **data)
        return self.respond(case, status=201, etag=True)

    def partial_update(self, request, pk=None):
        with transaction.atomic():
            case = _case_to_change(request, pk)
            data = self.validated(CaseUpdateSerializer)
            case = case_update(actor=request.user, case=case, **data)
        return self.respond(case, etag=True)

    @extend_schema(
        summary="Move the case to another phase of the survivor's path",
        request=PhaseChangeSerializer,
        responses=CaseSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def phase(self, request, pk=None):
        with transaction.atomic():
            case = _case_to_change(request, pk, if_match_required=False)
            data = self.validated(PhaseChangeSerializer)
            case = case_change_phase(actor=request.user, case=case, **data)
        return self.respond(case, etag=True)


def _case_to_change(request, pk, *, if_match_required: bool = True) -> Case:
    """The case, locked, if the caller may change it and holds its current version."""
    case = case_get_for_user(user=request.user, pk=pk, perm="change")
    case.updated_at = (
        Case.objects.select_for_update().values_list("updated_at", flat=True).get(pk=case.pk)
    )
    check_if_match(request, case, required=if_match_required)
    return case


@extend_schema_view(
    list=extend_schema(summary="Consents recorded on the cases the caller may see"),
    retrieve=extend_schema(summary="One consent"),
    create=extend_schema(
        summary="Record a consent",
        request=ConsentCreateSerializer,
        responses={201: ConsentSerializer},
    ),
)
class ConsentViewSet(PartnerViewSet):
    """Consents recorded on the cases the caller may see. No referral shares data without
    a consent covering it."""

    serializer_class = ConsentSerializer
    filterset_class = ConsentFilter

    def get_queryset(self):
        return consents_visible_to(self.request.user).select_related(
            "case", "shared_with_organisation"
        )

    def retrieve(self, request, pk=None):
        return self.respond(get_or_404(self.get_queryset(), pk))

    @idempotent
    def create(self, request):
        data = self.validated(ConsentCreateSerializer)
        consent = consent_record(actor=request.user, **data)
        return self.respond(consent, status=201)

    @extend_schema(
        summary="Withdraw a consent; referrals relying on it stop sharing",
        request=ConsentWithdrawSerializer,
        responses=ConsentSerializer,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def withdraw(self, request, pk=None):
        consent = get_or_404(self.get_queryset(), pk)
        if not can_edit_case(request.user, consent.case):
            raise Http404("Not found.")
        data = self.validated(ConsentWithdrawSerializer)
        consent = consent_withdraw(actor=request.user, consent=consent, on=data.get("on"))
        return self.respond(consent)


@extend_schema_view(
    list=extend_schema(summary="Counselling sessions of the cases the caller may see"),
    retrieve=extend_schema(summary="One counselling session"),
    create=extend_schema(
        summary="Log a counselling session",
        request=CounsellingSessionCreateSerializer,
        responses={201: CounsellingSessionSerializer},
    ),
)
class CounsellingSessionViewSet(PartnerViewSet):
    """Counselling sessions; confidential notes only where the caller may see health facts."""

    serializer_class = CounsellingSessionSerializer
    filterset_class = CounsellingSessionFilter

    def get_queryset(self):
        return counselling_sessions_visible_to(self.request.user).select_related("case")

    def retrieve(self, request, pk=None):
        return self.respond(get_or_404(self.get_queryset(), pk))

    @idempotent
    def create(self, request):
        data = self.validated(CounsellingSessionCreateSerializer)
        session = counselling_session_log(actor=request.user, **data)
        return self.respond(session, status=201)
