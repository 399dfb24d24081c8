"""What every partner endpoint shares: authorization through the apps' selectors, pages of
results whose case data is decided once per page, and ETags on objects."""

from django.http import Http404
from rest_framework import viewsets
from rest_framework.response import Response

from audit.api import AuditedViewSetMixin
from audit.models import Action
from cases import visibility
from cases.permissions import active_membership

from ..concurrency import etag_for
from ..fields import MAX_ID
from ..selectors import case_categories_for


def get_or_404(queryset, pk):
    """One object of a queryset already scoped to the caller: missing and forbidden alike 404."""
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise Http404("Not found.") from None
    if not 1 <= number <= MAX_ID:
        raise Http404("Not found.")
    try:
        return queryset.get(pk=number)
    except queryset.model.DoesNotExist:
        raise Http404("Not found.") from None


class PartnerViewSet(AuditedViewSetMixin, viewsets.GenericViewSet):
    """Reads through the same selectors as the HTML pages; writes through the services; every
    read and write recorded in the audit log like a page's."""

    #: The object actions beyond retrieve/create/update, as the audit log names them.
    audit_actions = {
        "phase": Action.PHASE_CHANGE,
        "withdraw": Action.CONSENT_WITHDRAWAL,
        "accept": Action.REFERRAL,
        "decline": Action.REFERRAL,
        "start": Action.REFERRAL,
        "complete": Action.REFERRAL,
        "cancel": Action.UPDATE,
        "record": Action.UPDATE,
        "missed": Action.UPDATE,
        "move": Action.UPDATE,
    }

    http_method_names = ["get", "post", "patch", "head", "options"]
    #: Serializer for input of `create`; `serializer_class` is the output.
    create_serializer_class = None
    #: Actions on an object honour an optional If-Match (documented in the schema).
    honours_if_match = False

    @staticmethod
    def case_of(instance):
        return instance.case

    def read_context(self, objects) -> dict:
        context = self.get_serializer_context()
        cases = [self.case_of(instance) for instance in objects]
        context["categories"] = case_categories_for(self.request.user, [c for c in cases if c])
        membership = active_membership(self.request.user)
        context["organisation_id"] = membership.organisation_id if membership else None
        return context

    def validated(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def respond(self, instance, *, status: int = 200, etag: bool = False) -> Response:
        self._audit_object = instance
        context = self.read_context([instance])
        data = self.serializer_class(instance, context=context).data
        headers = {"ETag": etag_for(self.as_read(instance, context))} if etag else None
        return Response(data, status=status, headers=headers)

    def as_read(self, instance, context: dict):
        """The instance as the caller reads it (cases.visibility.as_seen): a case read as it
        stood at a moment has the version it had then, which the new owner's work never
        changes."""
        case = self.case_of(instance)
        return visibility.as_seen(instance, context["categories"].get(case.pk, ()) if case else ())

    def list(self, request, *args, **kwargs):
        # The paginator builds the list when it reads it (api.pagination).
        page = self.paginate_queryset(lambda: self.filter_queryset(self.get_queryset()))
        serializer = self.serializer_class(page, many=True, context=self.read_context(page))
        return self.get_paginated_response(serializer.data)


class DirectoryViewSet(PartnerViewSet):
    """Directories shared by every organisation: no survivor data, no categories, nothing
    for the audit log."""

    audit_actions = {"list": None, "retrieve": None}
    audit_exempt = "A directory shared by every organisation; no survivor data."

    http_method_names = ["get", "head", "options"]

    @staticmethod
    def case_of(instance):
        return None
