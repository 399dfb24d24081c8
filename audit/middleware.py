from auditlog.middleware import AuditlogMiddleware

from .context import reset_current_request, set_current_request
from .reads import url_target
from .services import client_ip, record_denied


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware (the actor and address on every change-history row), with
    three additions: the address is taken as `audit.services.client_ip` does, trusting only
    AUDIT_TRUSTED_PROXY_COUNT proxies (auditlog trusts the first X-Forwarded-For entry, which
    the client writes); the request is kept for receivers that have none; and a 404 on a
    survivor's record is recorded as a denied attempt."""

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None  # X-Forwarded-Port is the client's to write

    def __call__(self, request):
        token = set_current_request(request)
        try:
            return super().__call__(request)
        finally:
            reset_current_request(token)

    def process_exception(self, request, exception):
        from django.http import Http404

        if not isinstance(exception, Http404):
            return None
        target = url_target(request)
        if target is not None:
            record_denied(request, kind=target[0], pk=target[1])
        return None
