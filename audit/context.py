"""The request being served, for receivers that have none (access granted inside a service).

Set by `audit.middleware.AuditMiddleware` for every request and replaced by the DRF request in
`audit.api.AuditedViewSetMixin` once the API key has been authenticated."""

from contextvars import ContextVar

_current_request: ContextVar = ContextVar("audit_current_request", default=None)


def current_request():
    return _current_request.get()


def set_current_request(request):
    return _current_request.set(request)


def reset_current_request(token) -> None:
    _current_request.reset(token)
