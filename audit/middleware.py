from auditlog.middleware import AuditlogMiddleware

from .context import reset_current_request, set_current_request
from .services import client_ip, record_denied

# URL keyword arguments that name a survivor's record, by URL namespace.
DENIED_TARGETS = {
    "cases": {"pk": "case"},
    "followup": {"case_pk": "case", "pk": "followup.FollowUpVisit"},
    "referrals": {"case_pk": "case", "pk": "referrals.Referral"},
}


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

        match = getattr(request, "resolver_match", None)
        if not isinstance(exception, Http404) or match is None:
            return None
        for argument, kind in DENIED_TARGETS.get(match.namespace, {}).items():
            if argument in match.kwargs:
                record_denied(request, kind=kind, pk=int(match.kwargs[argument]))
                break
        return None
