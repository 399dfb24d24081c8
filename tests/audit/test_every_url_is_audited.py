"""Every URL of the site (pages, partner API, Django admin) is either audited by construction
or declared exempt with a reason. A page added next year that forgets both fails here."""

from django.urls import URLPattern, URLResolver, get_resolver

from audit.api import ACTIONS, AuditedViewSetMixin
from audit.exemptions import EXEMPT_ADMIN_MODELS, EXEMPT_VIEWS


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def _dotted(thing) -> str:
    return f"{thing.__module__}.{thing.__qualname__}"


def _exempt_view(callback) -> str | None:
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    return (
        getattr(callback, "audit_exempt", None)
        or getattr(view_class, "audit_exempt", None)
        or EXEMPT_VIEWS.get(_dotted(view_class or callback))
    )


def classify(callback) -> tuple[str, str]:
    """("audited", how) or ("exempt", why) or ("unaudited", what)."""
    model_admin = getattr(callback, "model_admin", None)
    if model_admin is not None:
        label = model_admin.model._meta.label
        if getattr(model_admin, "audits_reads", False):
            return "audited", f"AuditedAdminMixin on {type(model_admin).__name__}"
        reason = getattr(model_admin, "audit_exempt", None) or EXEMPT_ADMIN_MODELS.get(label)
        return ("exempt", reason) if reason else ("unaudited", f"admin of {label}")
    viewset = getattr(callback, "cls", None)
    actions = getattr(callback, "actions", None)
    if viewset is not None and actions:
        mapping = {**ACTIONS, **getattr(viewset, "audit_actions", {})}
        unaudited = sorted(
            action
            for action in actions.values()
            if not (issubclass(viewset, AuditedViewSetMixin) and mapping.get(action))
        )
        if not unaudited:
            return "audited", f"AuditedViewSetMixin on {viewset.__name__}"
        reason = getattr(viewset, "audit_exempt", None)
        if reason:
            return "exempt", reason
        return "unaudited", f"{viewset.__name__} actions {unaudited}"
    if getattr(callback, "audits_reads", False):
        return "audited", "audited (audit.reads)"
    reason = _exempt_view(callback)
    return ("exempt", reason) if reason else ("unaudited", _dotted(callback))


def walk():
    return [
        (route, *classify(callback)) for route, callback in _patterns(get_resolver().url_patterns)
    ]


def test_every_url_is_audited_or_exempt_with_a_reason():
    rows = walk()
    unaudited = [(route, what) for route, verdict, what in rows if verdict == "unaudited"]
    assert unaudited == [], (
        "Audit these views (audit.reads.audited_urls / AuditedAdminMixin / "
        "AuditedViewSetMixin) or declare them exempt with a reason (audit.exemptions): "
        f"{unaudited}"
    )
    assert all(why.strip() for _route, verdict, why in rows if verdict == "exempt")


def test_the_walk_covers_pages_api_and_admin_and_what_must_be_audited_is():
    verdicts = {route: verdict for route, verdict, _why in walk()}
    for route in (
        "cases/<int:pk>/",
        "cases/<int:pk>/edit/",
        "followup/visits/<int:pk>/move/",
        "followup/visits/<int:pk>/cancel/",
        "followup/cases/<int:case_pk>/add/",
        "api/v1/^counselling-sessions/$",
        "admin/cases/case/<path:object_id>/change/",
        "admin/cases/casesensitivefacts/",
        "admin/auditlog/logentry/",
    ):
        assert verdicts[route] == "audited", route


def test_an_exemption_names_a_view_that_exists():
    """A stale exemption would hide the next view given that name."""
    callbacks = [callback for _route, callback in _patterns(get_resolver().url_patterns)]
    names = set()
    for callback in callbacks:
        view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        names.add(_dotted(view_class or callback))
        if getattr(callback, "model_admin", None) is not None:
            names.add(callback.model_admin.model._meta.label)
    assert sorted(set(EXEMPT_VIEWS) - names) == []
    assert sorted(set(EXEMPT_ADMIN_MODELS) - names) == []


def test_a_forgotten_view_is_caught():
    def new_page(request):
        return None

    assert classify(new_page)[0] == "unaudited"
