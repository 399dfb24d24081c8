"""An API key authenticates the API alone, and a request that carries one never rides a session:
the second sign-in step cannot be skipped by adding an `Authorization` header."""

import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from api.services import api_key_create
from tests.cases.factories import CaseFactory
from tests.conftest import need_service
from tests.test_backup_restore import url_for
from tests.test_settings import PRODUCTION_ENV, ROOT

pytestmark = pytest.mark.django_db


def sign_in(client, user, password):
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    assert response.status_code == 302
    return client


def survivor_pages(case) -> list[str]:
    return [
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:export"),
        reverse("audit:log"),
        reverse("organisations:people"),
        reverse("admin:index"),
        reverse("admin:cases_case_change", args=[case.pk]),
    ]


@pytest.mark.parametrize("header", ["Api-Key x", "Api-Key ", "Bearer x", "Api-Key valid"])
def test_with_only_the_password_an_authorization_header_opens_no_page(
    client, org_admin, owner, password, settings, header
):
    settings.REQUIRE_TWO_FACTOR = True
    case = CaseFactory(actor=owner, hiv_status="positive")
    if header == "Api-Key valid":
        _key, plaintext = api_key_create(
            actor=None, organisation=org_admin.membership.organisation, name="Partner"
        )
        header = f"Api-Key {plaintext}"
    sign_in(client, org_admin, password)
    for url in survivor_pages(case):
        response = client.get(url, HTTP_AUTHORIZATION=header)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("two-factor")), url


def test_a_request_to_the_api_with_an_authorization_header_ignores_the_session(
    client, org_admin, owner, outsider, password
):
    """Without the production switch, the session alone would be enough; a header, even a
    wrong one, means the key decides, and a wrong key is refused."""
    CaseFactory(actor=owner)
    sign_in(client, org_admin, password)
    cases = reverse("api:case-list")
    assert client.get(cases).status_code == 200  # the person's own session works on the API
    for header in ("Api-Key x", "Bearer x", "Basic b3duZXI6eA=="):
        response = client.get(cases, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header

    _key, plaintext = api_key_create(
        actor=None, organisation=outsider.membership.organisation, name="Other database"
    )
    response = client.get(cases, HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    assert response.status_code == 200
    assert response.json()["results"] == []  # the other organisation's key, not the session


def test_a_valid_key_opens_no_page(owner):
    case = CaseFactory(actor=owner)
    _key, plaintext = api_key_create(
        actor=None, organisation=owner.membership.organisation, name="Partner"
    )
    browser = APIClient()
    browser.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    for url in [reverse("cases:detail", args=[case.pk]), reverse("api:keys")]:
        response = browser.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_a_person_session_on_the_api_still_needs_the_second_step(
    client, org_admin, password, settings
):
    settings.REQUIRE_TWO_FACTOR = True
    sign_in(client, org_admin, password)
    response = client.get(reverse("api:case-list"))
    assert response.status_code == 302 and response.url.startswith(reverse("two-factor"))


PRODUCTION_CHECK = """
import json, sys
from django.test import Client
username, password, urls = json.loads(sys.stdin.read())
browser = Client(HTTP_HOST="homecoming.example.org", raise_request_exception=False)
signed_in = browser.post(
    "/accounts/login/", {"username": username, "password": password}, secure=True
)
answers = {"login": [signed_in.status_code, signed_in.get("Location", "")]}
for url in urls:
    response = browser.get(url, secure=True, HTTP_AUTHORIZATION="Api-Key x")
    answers[url] = [response.status_code, response.get("Location", "")]
print(json.dumps(answers))
"""


@pytest.mark.django_db(transaction=True)
def test_under_production_settings_on_postgresql_the_header_skips_no_second_step(
    places, org_admin, owner, password, settings
):
    """The whole production stack of settings and middleware, against PostgreSQL."""
    need_service(connection.vendor == "postgresql", "production settings need PostgreSQL")
    case = CaseFactory(actor=owner, hiv_status="positive")
    urls = survivor_pages(case)
    # Production knows no test-speed hasher: store the password as production would read it.
    hasher = PBKDF2PasswordHasher()
    org_admin.password = hasher.encode(password, hasher.salt(), iterations=1000)
    org_admin.save(update_fields=["password"])
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "shell", "-c", PRODUCTION_CHECK],
        input=json.dumps([org_admin.username, password, urls]),
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            **PRODUCTION_ENV,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DATABASE_URL": url_for(connection.settings_dict["NAME"]),
            "FIELD_ENCRYPTION_KEY": settings.FIELD_ENCRYPTION_KEY,
            "CACHE_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers.pop("login")[0] == 302  # the password alone was right
    for url, (status, location) in answers.items():
        assert status == 302 and location.startswith(reverse("two-factor")), (url, status)


def test_under_the_production_switch_a_key_still_reaches_the_api(
    client, org_admin, owner, password, settings
):
    """Keys are not people with phones: no second step for them, session cookie or not."""
    settings.REQUIRE_TWO_FACTOR = True
    case = CaseFactory(actor=owner)
    _key, plaintext = api_key_create(
        actor=None, organisation=owner.membership.organisation, name="Partner"
    )
    partner = APIClient()
    partner.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    assert partner.get(reverse("api:case-list")).json()["results"][0]["id"] == case.pk
    sign_in(client, org_admin, password)  # a half-signed-in session beside the key
    response = client.get(reverse("api:case-list"), HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    assert response.status_code == 200
