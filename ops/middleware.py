"""Health probes, the request id and the one log line per request."""

import json
import logging
import time

from django.conf import settings
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.functional import LazyObject, empty

from . import logs, routers, selectors

logger = logging.getLogger("homecoming.request")

HEALTH_PATHS = ("/healthz", "/readyz")


def _json(body: dict, status: int) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True  # a probe's 503 is the answer, not an error to log
    return response


class HealthCheckMiddleware:
    """First in the chain: a probe needs no session, no host name and no TLS, and says only
    which check failed. /healthz: the process answers. /readyz: it can serve (503 if not)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info.rstrip("/")
        if path not in HEALTH_PATHS or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if path == "/healthz":
            return _json({"status": "ok"}, 200)
        checks = selectors.readiness()
        body = {name: "ok" if passed else "fail" for name, passed in checks.items()}
        return _json(body, 200 if all(checks.values()) else 503)


class PageGZipMiddleware(GZipMiddleware):
    """Pages compressed for phones on slow mobile data (Django pads each compressed response
    with random bytes against BREACH, and masks the CSRF token anew on every response). API
    bodies go to partner systems on fixed lines as they are; static files come compressed
    from WhiteNoise."""

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)


class RequestLogMiddleware:
    """Gives each request an id (the proxy's if well-formed), returns it in X-Request-ID, and
    logs one line when the response is ready. The user's and organisation's ids are read only
    where the request already loaded them, so logging adds no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        request_id = logs.request_id_from(request.headers.get(logs.REQUEST_ID_HEADER))
        request.request_id = request_id
        # Kept until the response is closed (ops.logs.unbind_on_request_finished), so that
        # Django's own lines logged after the middleware (e.g. "Not Found") carry the id too.
        logs.bind(request_id=request_id, user_id=None, organisation_id=None)
        replica = routers.reading_from_primary()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response[logs.REQUEST_ID_HEADER] = request_id
            return response
        finally:
            logs.update(**_who(request))
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            routers.reading_restore(replica)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.view_name in settings.READ_REPLICA_VIEWS:
            routers.reading_from_replica()


def _who(request) -> dict:
    user = getattr(request, "user", None)
    # request.user is lazy (django-otp wraps Django's lazy user again): never load it here.
    while isinstance(user, LazyObject):
        user = user._wrapped
        if user is empty:
            return {}
    if user is None or not user.is_authenticated:
        return {}
    fields = {"user_id": user.pk}
    relation = getattr(type(user), "membership", None)
    if relation is not None and relation.related.is_cached(user):
        membership = relation.related.get_cached_value(user)
        if membership is not None:
            fields["organisation_id"] = membership.organisation_id
    return fields
