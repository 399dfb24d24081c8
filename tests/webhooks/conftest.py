"""A real HTTP receiver on loopback (`running_receiver`, the `receiver` fixture), and endpoints
registered through the service."""

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from organisations.models import Role
from tests.organisations.factories import UserFactory
from webhooks.models import Event
from webhooks.services import webhook_endpoint_create


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each POST with the next of `answers` (a status, or ("redirect", location), or
    ("slow", seconds)), then 200; records what it received."""

    url: str
    received: list[Received] = field(default_factory=list)
    answers: list = field(default_factory=list)


@contextmanager
def running_receiver():
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the name http.server calls
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            state.received.append(
                Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            answer = state.answers.pop(0) if state.answers else 200
            if isinstance(answer, tuple) and answer[0] == "slow":
                time.sleep(answer[1])
                answer = 200
            if isinstance(answer, tuple) and answer[0] == "redirect":
                self.send_response(302)
                self.send_header("Location", answer[1])
            else:
                self.send_response(answer)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/homecoming"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def receiver():
    with running_receiver() as state:
        yield state


@pytest.fixture
def other_admin(other_ngo):
    return UserFactory(username="otheradmin", organisation=other_ngo, role=Role.ORG_ADMIN)


@pytest.fixture
def register():
    def register(admin, url, events=None):
        return webhook_endpoint_create(
            actor=admin,
            organisation=admin.membership.organisation,
            url=url,
            events=events or list(Event.values),
        )

    return register
