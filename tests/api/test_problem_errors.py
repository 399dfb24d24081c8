"""Every API error is application/problem+json, also those DRF never sees (a 10 MB body, the
database down, an unknown URL); a Redis that is down (a private one, stopped) degrades the cache
and the throttle but takes neither the API nor the dashboards down."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from api.authentication import ApiKeyAuthentication
from config.settings.base import redis_cache
from tests.conftest import need_service
from tests.followup.services import PrivateRedis

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
CASES = "/api/v1/cases/"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith(PROBLEM), response["Content-Type"]
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


def test_a_10_mb_body_is_refused_as_problem_json(ngo_api):
    body = b'{"name_latin": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    response = ngo_api.generic("POST", CASES, body, content_type="application/json")
    assert_problem(response, 413)


def test_the_database_down_is_a_503_problem_with_retry_after(ngo_api):
    ngo_api.raise_request_exception = False  # answer as the server would
    with mock.patch.object(
        ApiKeyAuthentication, "authenticate", side_effect=OperationalError("server closed")
    ):
        response = ngo_api.get(CASES)
    assert_problem(response, 503)
    assert response["Retry-After"]


def test_an_unknown_api_url_is_a_404_problem(ngo_api):
    assert_problem(ngo_api.get("/api/v1/no-such-thing/"), 404)


def test_pages_keep_their_html_errors(client_for, owner):
    response = client_for(owner).get("/cases/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.fixture
def redis_down(settings):
    need_service(PrivateRedis.available(), "redis-server is needed")
    redis = PrivateRedis()
    redis.start()
    settings.CACHES = {"default": redis_cache(redis.url)}
    from django.core.cache import cache

    cache.set("probe", 1)
    assert cache.get("probe") == 1  # the cache really is this Redis
    redis.stop()
    yield
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_with_redis_down_the_api_and_dashboards_keep_serving(
    redis_down, ngo_api, client_for, supervisor, case, caplog
):
    for _ in range(3):
        response = ngo_api.get(CASES)
        assert response.status_code == 200, response.content[:300]
        assert response.json()["results"]
    assert client_for(supervisor).get(reverse("dashboards:dashboard")).status_code == 200
    assert client_for(supervisor).get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert any("homecoming.cache" in record.name for record in caplog.records)
