"""Transfers of a case's ownership: read through the transfers app's selectors. Requesting and
answering one stay on the pages, where a supervisor acts (an API key is not one)."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from transfers.selectors import transfers_of_organisation

from ..filters import TransferFilter
from ..pagination import RequestedCursorPagination
from ..serializers.transfers import TransferSerializer
from .base import PartnerViewSet, get_or_404


@extend_schema_view(
    list=extend_schema(summary="Transfers the caller's organisation sent or received"),
    retrieve=extend_schema(summary="One transfer of a case to another organisation"),
)
class TransferViewSet(PartnerViewSet):
    """A case handed from one organisation to another, which becomes its owner. Read-only:
    only the two organisations see it, and without the reasons given."""

    serializer_class = TransferSerializer
    filterset_class = TransferFilter
    pagination_class = RequestedCursorPagination
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return transfers_of_organisation(self.request.user)

    def retrieve(self, request, pk=None):
        return self.respond(get_or_404(self.get_queryset(), pk))
