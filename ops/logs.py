"""One JSON object per log line, each carrying the request it belongs to.

Every record gets `request_id`, `user_id` and `organisation_id` from the request being served
(empty outside one). The request line itself is written by `RequestLogMiddleware`: method, path
without its query string, status and duration; never a form field, a query or a name."""

import contextvars
import datetime as dt
import logging
import re
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
# An id from the proxy is kept only if it looks like one (a UUID, or a hex or base64url token);
# anything else is replaced, so that a client cannot write into the logs through it.
WELL_FORMED_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{7,63}$")

_request: contextvars.ContextVar[dict | None] = contextvars.ContextVar("request", default=None)


def request_id_from(header: str | None) -> str:
    if header and WELL_FORMED_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def bind(**fields) -> None:
    _request.set(fields)


def update(**fields) -> None:
    current = _request.get()
    if current is not None:
        current.update(fields)


@receiver(request_finished)
def unbind_on_request_finished(**kwargs) -> None:
    _request.set(None)


class RequestContextFilter(logging.Filter):
    """Adds the request's ids, and drops the request object Django attaches to its own records:
    its text is the full path, query string included, and a search's query holds a name."""

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            del record.request
        context = _request.get() or {}
        for field in ("request_id", "user_id", "organisation_id"):
            if not hasattr(record, field):
                setattr(record, field, context.get(field))
        return True


class JsonFormatter(_JsonFormatter):
    """time (UTC), level, logger, message, the request's ids, then any extra the call passed."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "fmt",
            "%(asctime)s %(levelname)s %(name)s %(message)s "
            "%(request_id)s %(user_id)s %(organisation_id)s",
        )
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        super().__init__(*args, **kwargs)

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        moment = dt.datetime.fromtimestamp(record.created, tz=dt.UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
