"""What a delivery sends, and its signature, after the Standard Webhooks specification
(https://www.standardwebhooks.com): the headers `webhook-id`, `webhook-timestamp` (Unix
seconds) and `webhook-signature` (`v1,` and the base64 of an HMAC-SHA256 of
"<webhook-id>.<webhook-timestamp>.<body>", keyed with the base64-decoded part of the secret
after "whsec_"). The README shows a receiver checking it."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets

from django.conf import settings

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SECRET_BYTES = 32
SIGNATURE_VERSION = "v1"
USER_AGENT = "Homecoming-Webhooks/1"


def secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def message_id_generate() -> str:
    return "msg_" + secrets.token_hex(16)


def signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode()}"


def resource_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def body(
    *, message_id: str, event: str, occurred_at: dt.datetime, resource: str, organisation: str
) -> bytes:
    """The same bytes on every attempt: what happened, when, to which resource, for which
    organisation; never a survivor's data."""
    payload = {
        "id": message_id,
        "event": event,
        "occurred_at": occurred_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "resource": resource_url(resource),
        "organisation": organisation,
    }
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode()


def headers(*, secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(
            secret=secret, message_id=message_id, timestamp=timestamp, body=body
        ),
    }
