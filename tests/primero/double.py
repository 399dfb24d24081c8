"""A Primero v2 server for the tests: a real HTTP server on a free port of 127.0.0.1, answering
as Primero's API v2 is documented (primeroIMS/primero, app/controllers/api/README.md and
app/controllers/api/v2/docs):

- `POST /api/v2/tokens` with `{"user": {"user_name", "password"}}` → a JWT in the body's
  `token` and the `Authorization` header; gone from v2.11 (404), where HTTP Basic is the way.
  Every v2 release accepts Basic. Six failed sign-ins lock the account.
- Records in `{"data": ...}`; lists add `metadata` (`total`, `per` up to 1000, `page`).
  Errors as `{"errors": [{"status", "resource", "message"}]}`; 401 as `{"error": ...}`.
- `POST /api/v2/cases` with a client-chosen `id` → 204 (409 if it exists); without → 200.
- `POST /api/v2/cases/:id/referrals` → `in_progress`, or 422 `transition.errors.consent`
  unless the case has `consent_for_services` and `disclosure_other_orgs` or the request
  overrides consent; `PATCH …/referrals/:rid` answers it; `DELETE` revokes it."""

import base64
import json
import secrets
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

INVALID_LOGIN = "Invalid Username or password."


class PrimeroDouble:
    def __init__(self, *, version: str = "2.10", users: dict[str, str] | None = None):
        self.version = version
        self.users = users or {"homecoming": "s3cret-pass", "dosvy.siemreap": "x"}
        self.failed_logins: dict[str, int] = {}
        self.tokens: dict[str, str] = {}
        self.cases: dict[str, dict] = {}
        self.referrals: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []
        # Status codes to answer to the next requests in turn (None: answer as usual).
        self.fail_next: list[int | None] = []
        self.delay = 0.0  # seconds each answer takes, so that two clients overlap
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "PrimeroDouble":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # What the tests look at or set up

    @property
    def sign_ins(self) -> int:
        return sum(1 for method, path in self.requests if path.startswith("/api/v2/tokens"))

    def referrals_of(self, record_id: str) -> list[dict]:
        return [r for r in self.referrals.values() if r["record_id"] == record_id]

    def add_case(self, **fields) -> dict:
        record_id = str(uuid.uuid4())
        record = {"id": record_id, "short_id": record_id[-7:], "case_id_display": record_id[-7:]}
        record.update(fields)
        self.cases[record_id] = record
        return record

    def refer(self, record: dict, *, to: str, by: str = "dosvy.siemreap", **fields) -> dict:
        """A Primero user refers a case (as from Primero's own screens)."""
        transition = {
            "id": str(uuid.uuid4()),
            "type": "Referral",
            "record_id": record["id"],
            "record_type": "case",
            "transitioned_to": to,
            "transitioned_by": by,
            "status": "in_progress",
            "consent_overridden": False,
            "created_at": "2026-11-30T09:00:00.000Z",
            **fields,
        }
        self.referrals[transition["id"]] = transition
        record.setdefault("referred_users", []).append(to)
        return transition

    # The API

    def authenticate(self, header: str) -> str | None:
        if header.startswith("Bearer "):
            return self.tokens.get(header.removeprefix("Bearer "))
        if header.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                return None
            if self.users.get(user) == password and self.failed_logins.get(user, 0) < 6:
                return user
            self.failed_logins[user] = self.failed_logins.get(user, 0) + 1
        return None

    def sign_in(self, body: dict) -> tuple[int, dict, dict]:
        if self.version >= "2.11":
            return 404, _errors(404, "/api/v2/tokens", "Not Found"), {}
        user = (body.get("user") or {}).get("user_name", "")
        password = (body.get("user") or {}).get("password", "")
        if self.users.get(user) != password or self.failed_logins.get(user, 0) >= 6:
            self.failed_logins[user] = self.failed_logins.get(user, 0) + 1
            return 401, {"error": INVALID_LOGIN}, {}
        token = "eyJ" + secrets.token_urlsafe(24)
        self.tokens[token] = user
        return 200, {"user_name": user, "token": token}, {"Authorization": f"Bearer {token}"}

    def route(self, method: str, path: str, query: dict, body: dict, user: str):
        parts = path.strip("/").split("/")[2:]  # after api/v2
        data = body.get("data") if isinstance(body, dict) else None
        if parts == ["cases"] and method == "GET":
            return 200, self._list(query)
        if parts == ["cases"] and method == "POST":
            return self._create(data or {}, user)
        if len(parts) >= 2 and parts[0] == "cases":
            record = self.cases.get(parts[1])
            if record is None:
                return 404, _errors(404, path, "Not Found")
            if len(parts) == 2 and method == "GET":
                return 200, {"data": record}
            if len(parts) == 2 and method == "PATCH":
                record.update({k: v for k, v in (data or {}).items() if k != "id"})
                return 200, {"data": record}
            if parts[2:] == ["referrals"] and method == "GET":
                return 200, {"data": self.referrals_of(record["id"])}
            if parts[2:] == ["referrals"] and method == "POST":
                return self._refer(record, data or {}, user, path)
            if len(parts) == 4 and parts[2] == "referrals":
                transition = self.referrals.get(parts[3])
                if transition is None or transition["record_id"] != record["id"]:
                    return 404, _errors(404, path, "Not Found")
                if method == "PATCH":
                    status = (data or {}).get("status")
                    if status not in ("accepted", "rejected", "done"):
                        return 422, _errors(422, path, "transition.errors.status")
                    transition["status"] = status
                    if (data or {}).get("rejected_reason"):
                        transition["rejected_reason"] = data["rejected_reason"]
                    return 200, {"data": transition}
                if method == "DELETE":
                    transition["status"] = "revoked"
                    return 200, {"data": transition}
        return 404, _errors(404, path, "Not Found")

    def _list(self, query: dict) -> dict:
        per = min(int(query.get("per", ["20"])[0]), 1000)
        page = int(query.get("page", ["1"])[0])
        records = list(self.cases.values())
        if "referred_users" in query:
            user = query["referred_users"][0]
            records = [r for r in records if user in r.get("referred_users", [])]
        chunk = records[(page - 1) * per : page * per]
        return {"data": chunk, "metadata": {"total": len(records), "per": per, "page": page}}

    def _create(self, data: dict, user: str):
        record_id = data.get("id")
        if record_id and record_id in self.cases:
            return 409, _errors(409, "/api/v2/cases", "Conflict")
        record = {**data, "owned_by": user}
        record["id"] = record_id or str(uuid.uuid4())
        record["short_id"] = record["case_id_display"] = record["id"][-7:]
        self.cases[record["id"]] = record
        if record_id:
            return 204, None
        return 200, {"data": record}

    def _refer(self, record: dict, data: dict, user: str, path: str):
        consented = record.get("consent_for_services") and record.get("disclosure_other_orgs")
        if not consented and not data.get("consent_overridden"):
            return 422, _errors(422, path, "transition.errors.consent")
        to = data.get("transitioned_to")
        if to not in self.users:
            return 422, _errors(422, path, "transition.errors.to_user_can_receive")
        transition = self.refer(
            record,
            to=to,
            by=user,
            service=data.get("service"),
            notes=data.get("notes", ""),
            consent_overridden=bool(data.get("consent_overridden")),
        )
        return 200, {"data": transition}


def _errors(status: int, resource: str, message: str) -> dict:
    return {"errors": [{"status": status, "resource": resource, "message": message}]}


def _handler(double: PrimeroDouble):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _answer(self, status: int, payload, headers: dict | None = None) -> None:
            body = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if payload is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _handle(self, method: str) -> None:
            url = urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                return self._answer(400, _errors(400, url.path, "Bad Request"))
            time.sleep(double.delay)
            with double.lock:
                double.requests.append((method, url.path))
                status = double.fail_next.pop(0) if double.fail_next else None
                if status:
                    return self._answer(status, _errors(status, url.path, "Service Unavailable"))
                if url.path == "/api/v2/tokens" and method == "POST":
                    return self._answer(*double.sign_in(body))
                user = double.authenticate(self.headers.get("Authorization", ""))
                if user is None:
                    return self._answer(401, {"error": "You need to sign in before continuing."})
                status, payload = double.route(method, url.path, parse_qs(url.query), body, user)
            return self._answer(status, payload)

        def do_GET(self):
            self._handle("GET")

        def do_POST(self):
            self._handle("POST")

        def do_PATCH(self):
            self._handle("PATCH")

        def do_DELETE(self):
            self._handle("DELETE")

    return Handler
