"""One JSON line per request: time, level, request id, user, organisation, path without its
query string, status and duration; the id comes back in X-Request-ID."""

import json
import logging

import pytest
from django.urls import reverse

from ops.logs import JsonFormatter, RequestContextFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """The lines the project's own handler would write, captured."""
    lines: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Capture()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in lines]
    root.removeHandler(handler)


def request_lines(lines):
    return [line for line in lines if line["logger"] == "homecoming.request"]


def test_a_request_is_one_json_line_with_who_and_no_query(client_for, owner, ngo, log_lines):
    # A name never travels in a URL (the search is posted), but a query string of any kind
    # is left out of the log line all the same.
    response = client_for(owner).get(reverse("cases:list"), {"phase": "Sok Sreyneang"})
    assert response.status_code == 200
    [line] = request_lines(log_lines())
    assert line["request_id"] == response["X-Request-ID"]
    assert line["path"] == "/cases/"
    assert (line["method"], line["status"], line["level"]) == ("GET", 200, "INFO")
    assert line["user_id"] == owner.pk
    assert line["organisation_id"] == ngo.pk
    assert line["duration_ms"] >= 0
    assert line["time"].endswith("Z")
    assert "Sreyneang" not in json.dumps(log_lines())


def test_a_well_formed_request_id_from_the_proxy_is_kept(client, log_lines):
    from_proxy = "3f2a9c1e-77b0-4c1d-9e5a-0c6d2b1e8f40"
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID=from_proxy)
    assert response["X-Request-ID"] == from_proxy
    assert request_lines(log_lines())[0]["request_id"] == response["X-Request-ID"]


@pytest.mark.parametrize(
    "header", ["short", "has spaces in it", "line\nbreak-injected-into-logs", "x" * 65, "<script>"]
)
def test_an_ill_formed_request_id_is_replaced(client, header):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID=header)
    assert response["X-Request-ID"] != header
    assert len(response["X-Request-ID"]) == 32


def test_each_log_line_of_a_request_carries_its_id(client_for, owner, log_lines):
    response = client_for(owner).get("/no-such-page/?name=Sok")
    assert response.status_code == 404
    lines = log_lines()
    assert {line["request_id"] for line in lines} == {response["X-Request-ID"]}
    assert "Sok" not in json.dumps(lines)  # Django's own "Not Found" line has no query either


def test_the_log_line_costs_no_query(client_for, owner, django_assert_num_queries):
    client = client_for(owner)
    client.get("/accounts/login/")  # anonymous-looking page: the user is never loaded
    with django_assert_num_queries(0):
        client.get("/healthz")


def test_pages_are_compressed_and_api_bodies_are_not(client_for, owner):
    client = client_for(owner)
    page = client.get(reverse("cases:list"), HTTP_ACCEPT_ENCODING="gzip, br")
    assert page["Content-Encoding"] == "gzip"
    api = client.get("/api/v1/cases/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert api.status_code == 200
    assert "Content-Encoding" not in api
