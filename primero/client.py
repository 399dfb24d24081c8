"""A small client for Primero's API v2 (urllib, a timeout on every call).

Primero answers `{"data": ...}` (lists add `metadata`), errors as
`{"errors": [{"status", "resource", "message"}]}` and a refused sign-in as `{"error": ...}`.
Authentication is a JWT from `POST /api/v2/tokens` sent as `Bearer`, or HTTP Basic, which
every v2 release accepts and which is the only way from v2.11, where the tokens endpoint is
gone. In `auto` mode the client asks for a token once and falls back on Basic when the
endpoint answers 404.

A 401 raises `SignInRefused` and the client never signs in again on its own: six failed
sign-ins lock the Primero account for 30 minutes. Nothing here logs a password or a body."""

import base64
import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from .models import AuthMode, PrimeroConnection


class PrimeroError(Exception):
    """A call Primero did not carry out; `retry` says whether trying later may succeed."""

    retry = False

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class Unreachable(PrimeroError):
    """A network error, a timeout or a 5xx: the call is tried again later."""

    retry = True


class Refused(PrimeroError):
    """A 4xx other than 401: Primero will refuse it again until something changes."""


class SignInRefused(PrimeroError):
    """401: the account or password is wrong, or the account is locked."""


class NotFound(Refused):
    """404."""


def _reason(status: int, body: bytes, path: str) -> str:
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        payload = {}
    messages = []
    if isinstance(payload, dict):
        if isinstance(payload.get("error"), str):
            messages.append(payload["error"])
        for error in payload.get("errors") or []:
            if isinstance(error, dict) and error.get("message"):
                messages.append(str(error["message"]))
    text = "; ".join(messages) or "no reason given"
    return f"{status} on {path}: {text}"[:1000]


class Client:
    def __init__(self, connection: PrimeroConnection, *, timeout: float | None = None):
        self.connection = connection
        self.base = connection.base_url.rstrip("/")
        self.timeout = timeout or settings.PRIMERO_TIMEOUT_SECONDS
        self.mode = connection.auth_mode
        self._token = ""
        self.sign_ins = 0

    # Authentication

    def _basic(self) -> str:
        pair = f"{self.connection.username}:{self.connection.password}".encode()
        return "Basic " + base64.b64encode(pair).decode()

    def _sign_in(self) -> None:
        """Ask for a token once. In auto mode a 404 means tokens are gone: use Basic."""
        self.sign_ins += 1
        credentials = {"user_name": self.connection.username, "password": self.connection.password}
        body = {"user": credentials}
        try:
            payload, headers = self._send("POST", "/api/v2/tokens", body, authorization=None)
        except NotFound:
            if self.mode != AuthMode.AUTO:
                raise
            self.mode = AuthMode.BASIC
            return
        header = headers.get("Authorization", "")
        token = (payload or {}).get("token") or header.removeprefix("Bearer ").strip()
        if not token:
            raise Refused("Primero answered the sign-in without a token.")
        self._token = token
        self.mode = AuthMode.TOKEN

    def sign_in(self) -> None:
        """Sign in now rather than on the first call, so that a refusal is the connection's,
        not a call's."""
        self._authorization()

    def _authorization(self) -> str:
        if self.mode == AuthMode.BASIC:
            return self._basic()
        if not self._token:
            self._sign_in()
            if self.mode == AuthMode.BASIC:
                return self._basic()
        return f"Bearer {self._token}"

    # Transport

    def _send(self, method: str, path: str, body, *, authorization: str | None):
        url = self.base + path
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if authorization:
            request.add_header("Authorization", authorization)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
                headers = response.headers
        except urllib.error.HTTPError as error:
            raw = error.read()
            reason = _reason(error.code, raw, path)
            if error.code == 401:
                raise SignInRefused(reason, status=401) from None
            if error.code == 404:
                raise NotFound(reason, status=404) from None
            if error.code >= 500 or error.code in (408, 429):
                raise Unreachable(reason, status=error.code) from None
            raise Refused(reason, status=error.code) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise Unreachable(f"{path}: {reason}") from None
        if not raw:
            return None, headers
        try:
            return json.loads(raw), headers
        except ValueError:
            raise Unreachable(f"{path}: the answer is not JSON") from None

    def call(self, method: str, path: str, body=None, query: dict | None = None):
        if query:
            path += "?" + urllib.parse.urlencode(query)
        payload, _ = self._send(method, path, body, authorization=self._authorization())
        return payload

    # Primero's resources

    def check(self) -> None:
        """A read that needs a valid sign-in: the test call on saving a connection."""
        self.call("GET", "/api/v2/cases", query={"per": 1, "page": 1, "fields": "short"})

    def case_get(self, record_id: str) -> dict | None:
        try:
            return (self.call("GET", f"/api/v2/cases/{record_id}") or {}).get("data")
        except NotFound:
            return None

    def case_create(self, record: dict) -> None:
        self.call("POST", "/api/v2/cases", {"data": record})

    def case_update(self, record_id: str, record: dict) -> None:
        self.call("PATCH", f"/api/v2/cases/{record_id}", {"data": record})

    def cases_referred_to(self, user_name: str) -> list[dict]:
        """Every case referred to the user, page by page."""
        cases, page, per = [], 1, 100
        while True:
            payload = self.call(
                "GET",
                "/api/v2/cases",
                query={"referred_users": user_name, "page": page, "per": per},
            )
            payload = payload or {}
            cases.extend(payload.get("data") or [])
            total = (payload.get("metadata") or {}).get("total", 0)
            if page * per >= total or not payload.get("data"):
                return cases
            page += 1

    def referrals(self, record_id: str) -> list[dict]:
        return (self.call("GET", f"/api/v2/cases/{record_id}/referrals") or {}).get("data") or []

    def referral_create(self, record_id: str, referral: dict) -> dict:
        payload = self.call("POST", f"/api/v2/cases/{record_id}/referrals", {"data": referral})
        return (payload or {}).get("data") or {}

    def referral_answer(self, record_id: str, referral_id: str, answer: dict) -> None:
        path = f"/api/v2/cases/{record_id}/referrals/{referral_id}"
        self.call("PATCH", path, {"data": answer})

    def referral_revoke(self, record_id: str, referral_id: str) -> None:
        self.call("DELETE", f"/api/v2/cases/{record_id}/referrals/{referral_id}")
