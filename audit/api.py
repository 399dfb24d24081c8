"""For the partner API: mix `AuditedViewSetMixin` into a DRF viewset before the DRF base
class, and every read and write through it is recorded like a page's:

    class CaseViewSet(AuditedViewSetMixin, viewsets.ModelViewSet): ...

retrieve -> view (the object), list -> list (the ids of the page returned), create -> create,
update / partial_update -> update, destroy -> update; a 404 on retrieve, update or destroy is
recorded as a denied attempt. The API key: the authentication sets
`request.audit_api_key = (key.pk, str(key))`, else `request.auth`'s pk and str() are used.

Objects are recorded as a case when they are one, else by type and id with their case
(`obj.case`, select_related it to spare a query). Each request writes one row (one INSERT)."""

import functools

from auditlog.context import auditlog_value
from django.db import transaction

from .context import set_current_request
from .models import Action
from .services import case_id_of, record, record_denied

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

ACTIONS = {
    "retrieve": Action.VIEW,
    "list": Action.LIST,
    "create": Action.CREATE,
    "update": Action.UPDATE,
    "partial_update": Action.UPDATE,
    "destroy": Action.UPDATE,
}


def _bind_actor(request) -> None:
    """auditlog's middleware saw the request before DRF authenticated the key: give the
    change history the key's user."""
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    if request.user.is_authenticated:
        context["actor"] = request.user


class AuditedViewSetMixin:
    _audit_object = None
    _audit_page = None

    audits_reads = True
    _audit_done = False

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        set_current_request(request)  # the middleware resets it when the request ends
        _bind_actor(request)
        method = request.method.lower()
        if request.method not in SAFE_METHODS and hasattr(self, method):
            setattr(self, method, self._in_one_transaction(getattr(self, method)))

    def _in_one_transaction(self, handler):
        """A write and the row that describes it commit together or not at all. Wrapped here,
        inside DRF's own error handling, so that a failing database is still a problem+json."""

        @functools.wraps(handler)
        def handle(request, *args, **kwargs):
            with transaction.atomic():
                response = handler(request, *args, **kwargs)
                self._audit(request, response)
                self._audit_done = True
            return response

        return handle

    def get_object(self):
        self._audit_object = super().get_object()
        return self._audit_object

    def paginate_queryset(self, queryset):
        self._audit_page = super().paginate_queryset(queryset)
        return self._audit_page

    def perform_create(self, serializer):
        super().perform_create(serializer)
        self._audit_object = serializer.instance

    def perform_update(self, serializer):
        super().perform_update(serializer)
        self._audit_object = serializer.instance

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if not self._audit_done:
            self._audit(request, response)
        return response

    def _audit(self, request, response) -> None:
        actions = {**ACTIONS, **getattr(self, "audit_actions", {})}
        action = actions.get(getattr(self, "action", None))
        if action is None or not request.user.is_authenticated:
            return
        if response.status_code == 404 and action != Action.LIST:
            self._audit_denied(request)
        elif response.status_code >= 400:
            return
        elif action == Action.LIST:
            page = self._audit_page
            if page is None:
                return  # an unpaginated list: the viewset records it itself
            record(request, action=action, cases=self._case_ids(page))
        elif self._audit_object is not None:
            record(request, action=action, obj=self._audit_object)

    def _audit_denied(self, request) -> None:
        lookup = self.lookup_url_kwarg or self.lookup_field
        try:
            pk = int(self.kwargs[lookup])
        except (KeyError, TypeError, ValueError):
            return
        label = self._audited_model()._meta.label
        record_denied(request, kind="case" if label == "cases.Case" else label, pk=pk)

    # A viewset's model, from its queryset, once per class: a denied attempt needs no
    # visibility conditions built for it.
    _audited_models: dict[type, type] = {}

    def _audited_model(self) -> type:
        model = self._audited_models.get(type(self))
        if model is None:
            model = self._audited_models[type(self)] = self.get_queryset().model
        return model

    @staticmethod
    def _case_ids(page) -> list[int]:
        ids = []
        for item in page:
            if getattr(item, "_meta", None) is not None and item._meta.label == "cases.Case":
                ids.append(item.pk)
            elif case_id_of(item) is not None:
                ids.append(case_id_of(item))
        return ids
