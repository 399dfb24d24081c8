"""Idempotency-Key on POST: the first response is stored with the request's hash and replayed
for a repeat; the same key with another body is refused (422)."""

import functools
import hashlib
import json

from django.db import IntegrityError, transaction
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .exceptions import IdempotencyKeyReused
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


def _request_hash(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent(handler):
    """Wrap a viewset's POST handler. Only a successful response is stored: a refused write
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
                return Response(
                    first.response_body, status=first.response_status, headers={REPLAYED: "true"}
                )
            response = handler(self, request, *args, **kwargs)
            record.response_status = response.status_code
            record.response_body = json.loads(JSONRenderer().render(response.data) or b"null")
            record.save(update_fields=["response_status", "response_body"])
        return response

    return wrapper
