"""Audit by construction: a page that shows survivor data is logged because of where it is
routed, not because its view remembered to call `record()`.

- `audited_urls([...])` wraps every view of a URL module in `audited`, so a page added there
  later is audited without anyone remembering. A view of that module that shows no survivor
  data carries `@audit_exempt("why")` instead.
- `audited(view)`: a write (POST, PUT, PATCH, DELETE) runs in one transaction with the rows
  that describe it, so there is never a change without its row nor a row without its change.
  When the view recorded nothing itself, one row is written for it: `view` (a page was shown,
  a form re-shown with its errors) or `update` (a write that redirected), on the case or
  record the URL names.
- `AuditedAdminMixin` does the same for a ModelAdmin: its list, change, history and delete
  pages each write a row.
- The API: `audit.api.AuditedViewSetMixin`.

`tests/audit/test_every_url_is_audited.py` walks every URL pattern (pages, API, admin) and
fails on a view that is neither audited nor exempt with a reason (`audit_exempt`, or
`audit.exemptions.EXEMPT_VIEWS` for views of other packages)."""

import functools

from django.contrib.admin.utils import unquote
from django.db import transaction
from django.urls import URLPattern, URLResolver

from .models import Action
from .services import record, record_by_id

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

# URL keyword arguments that name a survivor's record, by URL namespace.
URL_TARGETS = {
    "cases": {"pk": "case"},
    "followup": {"case_pk": "case", "pk": "followup.FollowUpVisit"},
    "referrals": {"case_pk": "case", "pk": "referrals.Referral"},
    "plans": {"pk": "case"},
    "documents": {"case_pk": "case", "pk": "documents.Document"},
    "legal": {"case_pk": "case"},
    "returns": {"case_pk": "case"},
}


def url_target(request) -> tuple[str, int] | None:
    """The (kind, id) of the survivor's record the request's URL names, if any."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    for argument, kind in URL_TARGETS.get(match.namespace, {}).items():
        if argument in match.kwargs:
            try:
                return kind, int(match.kwargs[argument])
            except (TypeError, ValueError):
                return None
    return None


def _record_fallback(request, response) -> None:
    status = response.status_code
    if status == 404 or status >= 500 or getattr(request, "audit_recorded", False):
        return
    wrote = request.method not in SAFE_METHODS and 300 <= status < 400
    if 300 <= status < 400 and not wrote:
        return  # a redirect shows nothing
    action = Action.UPDATE if wrote else Action.VIEW
    target = url_target(request)
    if target is None:
        record(request, action=action)  # the path names the page
    else:
        record_by_id(request, kind=target[0], pk=target[1], action=action)


def audited(view):
    """Audit a function view: see the module's docstring."""
    if getattr(view, "audits_reads", False):
        return view

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        request.audit_recorded = False
        if request.method in SAFE_METHODS:
            response = view(request, *args, **kwargs)
            _record_fallback(request, response)
            return response
        with transaction.atomic():
            response = view(request, *args, **kwargs)
            _record_fallback(request, response)
        return response

    wrapper.audits_reads = True
    return wrapper


def audit_exempt(reason: str):
    """Declare that a view shows no survivor data, and why; `audited_urls` leaves it alone."""
    if not reason.strip():
        raise ValueError("Say why the view is not audited.")

    def decorate(view):
        view.audit_exempt = reason
        return view

    return decorate


def audited_urls(patterns: list) -> list:
    """Every view of these URL patterns audited, except those declared `audit_exempt`."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            audited_urls(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and not getattr(
            pattern.callback, "audit_exempt", None
        ):
            pattern.callback = audited(pattern.callback)
    return patterns


class AuditedAdminMixin:
    """For a ModelAdmin that shows survivor data: the list records the cases on the page; the
    change, history and delete pages record the object; a change is recorded with it, in the
    same transaction. `audit_case_path` leads from a row to its case's id."""

    audits_reads = True
    audit_case_path = "case_id"

    def _audit_case_ids(self, objects) -> list[int]:
        pks = [item.pk for item in objects]
        if not pks or self.audit_case_path is None:
            return []
        if self.model._meta.label == "cases.Case":
            return pks
        rows = self.model._default_manager.filter(pk__in=pks).values_list(
            "pk", self.audit_case_path
        )
        case_of = dict(rows)  # one query, whatever the page's size
        return [case_of[pk] for pk in pks if case_of.get(pk) is not None]

    def _audit_object(self, request, object_id, action: str) -> None:
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if obj is None:
            return
        if obj._meta.label == "cases.Case":
            record(request, action=action, case=obj)
        elif hasattr(obj, "case_id"):
            record(request, action=action, obj=obj)
        else:
            case_ids = self._audit_case_ids([obj])
            record(request, action=action, obj=obj, case_id=case_ids[0] if case_ids else None)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            record(request, action=Action.LIST, cases=self._audit_case_ids(changelist.result_list))
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with transaction.atomic():
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if response.status_code < 400:
                wrote = request.method == "POST" and 300 <= response.status_code < 400
                self._audit_object(request, object_id, Action.UPDATE if wrote else Action.VIEW)
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            self._audit_object(request, object_id, Action.VIEW)
        return response

    def delete_view(self, request, object_id, extra_context=None):
        with transaction.atomic():
            if request.method == "POST":  # recorded while the record is still there
                self._audit_object(request, object_id, Action.UPDATE)
            response = super().delete_view(request, object_id, extra_context)
            if request.method != "POST" and response.status_code == 200:
                self._audit_object(request, object_id, Action.VIEW)
        return response
