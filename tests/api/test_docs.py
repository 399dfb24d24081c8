"""The OpenAPI schema validates without warnings, and the documentation page loads nothing
from another host."""

import re

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings(tmp_path):
    # What CI runs: manage.py spectacular --validate --fail-on-warn.
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["ApiKeyAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "An organisation's API key, sent as `Authorization: Api-Key <key>`.",
    }


def test_the_schema_is_served(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/cases/{id}/" in response.json()["paths"]


def test_the_documentation_page_loads_nothing_from_another_host(client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), html
    assert "<script>" not in html  # the site's Content-Security-Policy forbids inline script
    script = client.get("/api/v1/docs/", {"script": ""})
    assert script.status_code == 200
    assert not re.search(r"https?://", script.content.decode())


def test_an_unknown_path_is_a_problem_too(client):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
