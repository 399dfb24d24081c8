"""Every error under /api/ is application/problem+json, including those DRF never sees: a body
over DATA_UPLOAD_MAX_MEMORY_SIZE refused while a middleware reads it, the database or Redis
down in a middleware or a view, an unknown URL. First in MIDDLEWARE, so it rewrites whatever
Django's own handlers answered (their HTML pages) on the way out."""

import json
import logging

from django.core.signals import got_request_exception
from django.db import DatabaseError
from django.dispatch import receiver
from django.http import HttpResponse

from .exceptions import TITLES
from .schema import PROBLEM

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
KEPT_HEADERS = ("WWW-Authenticate", "Retry-After", "Allow")
UNAVAILABLE_RETRY_SECONDS = "30"


def _unavailable(error: BaseException) -> bool:
    """A service the API depends on is down: the database, or Redis."""
    try:
        import redis
    except ImportError:  # pragma: no cover - redis is a dependency
        return isinstance(error, DatabaseError)
    return isinstance(error, DatabaseError | redis.RedisError)


@receiver(got_request_exception)
def _remember_exception(sender, request=None, **kwargs):
    """Django answers an unhandled exception with a page of its own; keep the exception so the
    middleware can say what it was."""
    if request is not None and request.path.startswith(API_PREFIX):
        import sys

        request._api_exception = sys.exc_info()[1]


def problem(status: int, detail: str, code: str, headers: dict | None = None) -> HttpResponse:
    body = {
        "type": f"urn:homecoming:problem:{code}",
        "title": TITLES.get(status, "Service unavailable" if status == 503 else "Error"),
        "status": status,
        "detail": detail,
    }
    response = HttpResponse(json.dumps(body), status=status, content_type=PROBLEM)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _is_problem(response) -> bool:
    content_type = response.get("Content-Type", "")
    return content_type.startswith(PROBLEM)


class ProblemJsonMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        try:
            response = self.get_response(request)
        except Exception as error:  # noqa: BLE001 - anything left unanswered becomes a problem
            logger.exception("API request failed: %s", request.path)
            request._api_exception = error
            response = HttpResponse(status=500)
        if response.status_code < 400 or _is_problem(response):
            return response
        return self._as_problem(request, response)

    def _as_problem(self, request, response) -> HttpResponse:
        headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
        error = getattr(request, "_api_exception", None)
        status = response.status_code
        if status >= 500 and error is not None and _unavailable(error):
            headers["Retry-After"] = UNAVAILABLE_RETRY_SECONDS
            return problem(
                503,
                "A service the API depends on is unavailable. Retry in a moment.",
                "service_unavailable",
                headers,
            )
        if status == 413 or (status == 400 and _too_big(request, error)):
            return problem(413, "The request body is too large.", "request_too_large", headers)
        detail = {
            400: "The request could not be read.",
            403: "Forbidden.",
            404: "No such resource.",
            405: "Method not allowed.",
        }.get(status, "The server could not answer this request.")
        code = "server_error" if status >= 500 else "error"
        return problem(status, detail, code, headers)


def _too_big(request, error: BaseException | None) -> bool:
    """Django answers a body over DATA_UPLOAD_MAX_MEMORY_SIZE with a bare 400 and no signal."""
    from django.conf import settings
    from django.core.exceptions import RequestDataTooBig

    if isinstance(error, RequestDataTooBig):
        return True
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return limit is not None and length > limit
