"""A beat task keeps every unfiltered dashboard in the cache, each scope apart."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards.services import dashboard_scopes, dashboards_warm

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_warming_serves_officers_and_supervisors_from_the_cache(
    client_for, officer, supervisor, provincial_officer, dataset, settings
):
    settings.DASHBOARDS_CACHE_SECONDS = 300
    url = reverse("dashboards:dashboard")
    officer_cold = queries(client_for(officer), url)
    from django.core.cache import cache

    cache.clear()
    warmed = dashboards_warm()
    assert warmed == len(dashboard_scopes()) >= 3
    for user in (officer, provincial_officer, supervisor):
        assert queries(client_for(user), url) < officer_cold, user


def without_tokens(content: bytes) -> bytes:
    return re.sub(rb'name="(csrfmiddlewaretoken|next)" value="[^"]+"', b"", content)


def test_warmed_numbers_stay_apart(client_for, supervisor, other_supervisor, dataset, settings):
    settings.DASHBOARDS_CACHE_SECONDS = 0  # computed fresh, without any cache
    url = reverse("dashboards:dashboard")
    fresh = {
        u: without_tokens(client_for(u).get(url).content) for u in (supervisor, other_supervisor)
    }
    assert fresh[supervisor] != fresh[other_supervisor]
    settings.DASHBOARDS_CACHE_SECONDS = 300
    dashboards_warm()
    for user, page in fresh.items():
        assert without_tokens(client_for(user).get(url).content) == page
