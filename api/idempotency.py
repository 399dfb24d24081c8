"""Idempotency-Key on POST: the first response's status and the id of the record it returned
are kept with a keyed hash of the request; a repeat re-reads that record through the viewset's
own selector and serializer (so what it shows follows the caller's access today) and answers
with the first status. The same key with another body is refused (422).

Nothing a survivor said or is is kept here: no response body, no request body. Rows older than
a day are removed by the next keyed write, so no periodic job is needed."""

import functools
import json

from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac
from rest_framework import exceptions
from rest_framework.response import Response

from .exceptions import IdempotencyKeyReused
from .models import IdempotencyRecord
from .services import idempotency_records_purge

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


def _request_hash(request) -> str:
    """Keyed, so that the hash cannot confirm a guess at what a request contained."""
    body = json.dumps(request.data, sort_keys=True, default=str)
    message = f"{request.method} {request.path}\n{body}"
    return salted_hmac("api.idempotency", message, algorithm="sha256").hexdigest()


def _replay(viewset, first: IdempotencyRecord):
    if first.resource_id is None:
        return Response(status=first.response_status, headers={REPLAYED: "true"})
    from .views.base import get_or_404

    instance = get_or_404(viewset.get_queryset(), first.resource_id)
    response = viewset.respond(
        instance, status=first.response_status, etag=viewset.honours_if_match
    )
    response[REPLAYED] = "true"
    if first.location:
        response["Location"] = first.location
    return response


def idempotent(handler):
    """Wrap a viewset's POST handler. Only a successful response is kept: a refused write
    changed nothing, so repeating it simply runs it again."""

    @functools.wraps(handler)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return handler(self, request, *args, **kwargs)
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            raise exceptions.ValidationError({HEADER: [f"Give 1 to {MAX_KEY_LENGTH} characters."]})
        request_hash = _request_hash(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user=request.user,
                        key=key,
                        method=request.method,
                        path=request.path[:500],
                        request_hash=request_hash,
                    )
            except IntegrityError:
                first = IdempotencyRecord.objects.get(user=request.user, key=key)
                if first.request_hash != request_hash or first.response_status is None:
                    raise IdempotencyKeyReused() from None
                return _replay(self, first)
            response = handler(self, request, *args, **kwargs)
            instance = getattr(self, "_audit_object", None)
            record.response_status = response.status_code
            record.resource_id = getattr(instance, "pk", None)
            record.location = response.get("Location", "")[:500]
            record.save(update_fields=["response_status", "resource_id", "location"])
        idempotency_records_purge()
        return response

    return wrapper
