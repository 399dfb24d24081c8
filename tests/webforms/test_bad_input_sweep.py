"""The bad-input sweep, generated so that a new page or endpoint is covered without anyone
remembering: every web page of the URL conf is opened, every form on it is sent back with an
odd value in each field in turn, and every write operation of the OpenAPI schema gets odd
bodies. No answer may be a 5xx, and a refused request (4xx) may change no row."""

import json
import re
from collections import Counter
from urllib.parse import urljoin

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from api.services import api_key_create
from followup.services import community_resource_create
from referrals.services import referral_accept
from tests.followup.factories import planned_visit
from tests.referrals.helpers import give_consent, send

# The web half and the API half run in one worker process, handed out first (a group of
# more than one test is), so that neither is left to the end of a parallel run.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("bad_input_sweep")]

ODD_VALUES = ["\x00", "9999-12-31", "abc", "\u1780\u200b\u17b6\u0301", "9" * 30]
ODD_JSON = [
    "\u0000",
    "9999-12-31",
    "0001-01-01",
    -1,
    "9" * 30,
    {"a": [[[]]]},
    "\u1780\u200b\u17b6\u0301",
]
SKIP_PREFIXES = ("/admin/", "/api/v1/schema", "/api/v1/docs", "/accounts/", "/i18n/")
SKIP_ACTIONS = ("/accounts/logout/", "/i18n/setlang/")

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.I)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


class Tally:
    def __init__(self):
        self.statuses = Counter()
        self.failures = []

    def check(self, label, send):
        before = row_counts()
        response = send()
        status = response.status_code
        self.statuses[f"{status // 100}xx"] += 1
        if status >= 500:
            self.failures.append(f"{label}: {status}")
        elif 400 <= status < 500 and row_counts() != before:
            self.failures.append(f"{label}: {status} but rows changed")
        return response


WATCHED = (
    "cases.Case",
    "cases.CaseEvent",
    "cases.Consent",
    "cases.CounsellingSession",
    "referrals.Referral",
    "followup.FollowUpVisit",
    "followup.CommunityResource",
    "organisations.Membership",
)


def row_counts() -> tuple:
    """Every watched table's row count, in one query."""
    tables = [apps.get_model(label)._meta.db_table for label in WATCHED]
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {table})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def concrete(route: str, ids: dict) -> str | None:
    """A route with its converters filled by ids of real objects, or None to skip."""
    route = route.lstrip("^").rstrip("$")
    if "(" in route or "\\" in route or "<slug:" in route:
        return None

    def fill(match):
        name = match.group(2)
        key = f"{route.split('/')[0]}:{name}"
        return str(ids.get(key, ids.get(name, 0)))

    return "/" + re.sub(r"<(int:)?(\w+)>", fill, route)


def forms_on(html: str, page_url: str):
    """(method, action, default values) of each form on the page."""
    for attrs, body in FORM.findall(html):
        attributes = dict(ATTR.findall(attrs))
        method = attributes.get("method", "get").lower()
        action = urljoin(page_url, attributes.get("action") or page_url)
        if action.startswith(SKIP_ACTIONS):
            continue
        defaults = {}
        for _tag, field_attrs in FIELD.findall(body):
            field = dict(ATTR.findall(field_attrs))
            name = field.get("name")
            if not name or name == "csrfmiddlewaretoken":
                continue
            if field.get("type") in ("checkbox", "radio") and "checked" not in field_attrs:
                defaults.setdefault(name, field.get("value", "on"))
                continue
            defaults[name] = field.get("value", "")
        yield method, action, defaults


@pytest.fixture
def world(case, owner, supervisor, outsider, other_ngo, ngo, colleague):
    give_consent(case, owner, organisation=other_ngo)
    referral = send(case, owner, other_ngo)
    referral_accept(actor=outsider, referral=referral)
    visit = planned_visit(case, on=case.intake_date)
    resource = community_resource_create(
        actor=owner, kind="pagoda", name="Wat", province=case.origin_province
    )
    consent = case.consents.first()
    key, plaintext = api_key_create(actor=None, organisation=ngo, name="Sweep")
    ids = {
        "cases:pk": case.pk,
        "case_pk": case.pk,
        "consent_pk": consent.pk,
        "referrals:pk": referral.pk,
        "followup:pk": visit.pk,
        "organisation:pk": colleague.pk,
        "api:pk": key.pk,
        "pk": case.pk,
    }
    return {"ids": ids, "plaintext": plaintext, "resource": resource, "case": case}


def test_no_bad_input_on_a_page_reaches_a_server_error_or_writes_half(world, supervisor, capsys):
    web = Tally()
    client = Client()
    client.force_login(supervisor)
    pages = 0
    seen = set()
    routes = sorted(set(walk(get_resolver().url_patterns)))
    for route in routes:
        url = concrete(route, world["ids"])
        if url is None or url.startswith(SKIP_PREFIXES):
            continue
        page = web.check(f"GET {url}", lambda url=url: client.get(url))
        pages += 1
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            continue
        for method, action, defaults in forms_on(page.content.decode(), url):
            # The same form on several pages (assign, mark as read) is tried once.
            shape = (method, action, tuple(sorted(defaults)))
            if shape in seen:
                continue
            seen.add(shape)
            send = client.post if method == "post" else client.get
            for name in [*defaults, "page"] if method == "get" else defaults:
                for odd in ODD_VALUES:
                    data = {**defaults, name: odd}
                    web.check(
                        f"{method.upper()} {action} {name}={odd!r}",
                        lambda s=send, a=action, d=data: s(a, d),
                    )

    with capsys.disabled():
        print(
            f"\nbad-input sweep: {pages} pages, web {sum(web.statuses.values())} tries "
            f"{dict(web.statuses)}"
        )
    assert web.failures == []
    assert pages > 20 and web.statuses["4xx"] > 100


def test_no_bad_body_on_the_api_reaches_a_server_error_or_writes_half(world, capsys):
    api = Tally()
    partner = APIClient()
    partner.credentials(HTTP_AUTHORIZATION=f"Api-Key {world['plaintext']}")
    schema = json.loads(partner.get("/api/v1/schema/", {"format": "json"}).content)
    operations = 0
    for path, methods in schema["paths"].items():
        url = re.sub(r"\{\w+\}", str(world["case"].pk), path)
        for method, operation in methods.items():
            if method not in ("post", "put", "patch"):
                continue
            operations += 1
            send_body = getattr(partner, method)
            properties = _request_properties(schema, operation)
            bodies = ["[" * 50_000 + "]" * 50_000, "{", json.dumps({"x": "\u0000"})]
            bodies += [json.dumps({name: odd}) for name in properties for odd in ODD_JSON]
            for body in bodies:
                api.check(
                    f"{method.upper()} {url} {body[:60]!r}",
                    lambda s=send_body, u=url, b=body: s(
                        u, b, content_type="application/json", HTTP_IF_MATCH="*"
                    ),
                )

    with capsys.disabled():
        print(
            f"\nbad-input sweep: API {operations} write operations, "
            f"{sum(api.statuses.values())} tries {dict(api.statuses)}"
        )
    assert api.failures == []
    assert operations > 10


def _request_properties(schema, operation) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    body = content.get("application/json", {}).get("schema", {})
    ref = body.get("$ref", "")
    if ref:
        body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return list(body.get("properties", {}))
