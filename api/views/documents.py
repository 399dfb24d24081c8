"""Documents attached to cases: metadata, upload and download, under the same rules as the
pages (documents.selectors, documents.services)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer

from audit.models import Action
from cases.models import Case
from cases.selectors import case_get_for_user
from documents.models import Document
from documents.selectors import document_get_for_user, documents_for_case
from documents.services import document_content, document_upload
from documents.views import attachment_response

from ..pagination import UploadedCursorPagination
from ..serializers.documents import (
    DocumentListQuerySerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
)
from .base import PartnerViewSet


class DownloadRenderer(JSONRenderer):
    """The download answers a client that asks for the file's own type, or for anything: the
    file itself is sent as it is; only an error (404) is rendered, as problem+json."""

    media_type = "*/*"
    format = "download"


@extend_schema_view(
    list=extend_schema(
        summary="The documents of a case that the caller may see (metadata only)",
        parameters=[
            OpenApiParameter("case", OpenApiTypes.INT, required=True, description="The case's id.")
        ],
    ),
    retrieve=extend_schema(summary="One document's metadata"),
    create=extend_schema(
        summary="Attach a file (PDF, JPEG or PNG) to a case, a consent or a plan",
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer},
    ),
)
class DocumentViewSet(PartnerViewSet):
    """Files attached to cases. Each document's category decides who sees it, as the case's
    own data categories do: identity documents with identity, legal and health papers with
    health facts, consent forms and the rest with case facts."""

    serializer_class = DocumentSerializer
    pagination_class = UploadedCursorPagination
    parser_classes = [MultiPartParser]
    filter_backends = []
    audit_actions = {"content": Action.VIEW}

    def get_queryset(self):
        if self.action != "list":
            return Document.objects.none()
        query = DocumentListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        try:
            case = case_get_for_user(user=self.request.user, pk=query.validated_data["case"])
        except Http404:
            return Document.objects.none()
        return documents_for_case(user=self.request.user, case=case)

    def read_context(self, objects) -> dict:
        return self.get_serializer_context()  # every document shown is one the caller sees

    def retrieve(self, request, pk=None):
        return self.respond(document_get_for_user(user=request.user, pk=pk))

    def create(self, request):
        data = self.validated(DocumentUploadSerializer)
        case: Case = data.pop("case")
        try:
            document = document_upload(actor=request.user, case=case, **data)
        except PermissionDenied:
            raise Http404("Not found.") from None
        return self.respond(document, status=201)

    @extend_schema(
        summary="Download a document's file (an attachment, never cached)",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, DownloadRenderer])
    def content(self, request, pk=None):
        document = document_get_for_user(user=request.user, pk=pk)
        self._audit_object = document
        return attachment_response(document, document_content(document))
