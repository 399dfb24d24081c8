"""The outsider sweep, generated from the URL conf and the admin's registry: for every page,
endpoint, export, search and admin screen, the people of an organisation that nothing was shared
with (its supervisor, administrator and social worker, its API key) and a ministry officer with
nothing shared get the answer a missing id gets, see none of organisation A's canaries, and
change no row. A new URL whose parameters the table does not name fails
`test_the_table_names_every_parameter_of_every_route`; it is never skipped.

The world is built once for the module (tests/policy/outsider_world.py) in a transaction rolled
back at the end; each test runs in a savepoint inside it. The tests run in one worker process
(xdist_group), which builds the world once; as the largest group it is handed out first."""

import functools
import io
import logging
import re
import zipfile
from collections import Counter

import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from dashboards.tables import TABLE_SLUGS
from tests.conftest import documents_stored_in
from tests.policy.outsider_world import CANARY, KHMER_CANARY, build, secrets_of

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("outsider_sweep")]

# 10:00 in Phnom Penh: dates in the world and in the bodies below are fixed.
NOW = "2026-12-01T03:00:00Z"
MISSING = 2_000_000_000

# Each route's parameters → the object of the world it names. A route naming another
# organisation's object answers as for MISSING.
OBJECT_PARAMETERS: dict[str, dict[str, str]] = {
    "password_reset_confirm": {"uidb64": "owner"},
    "person-deactivate": {"pk": "owner"},
    "organisations:person-role": {"pk": "owner"},
    "organisations:person-active": {"pk": "owner"},
    "organisations:person-reset": {"pk": "owner"},
    "cases:consent-create": {"pk": "case"},
    "cases:consent-withdraw": {"pk": "case", "consent_pk": "consent"},
    "cases:assign": {"pk": "case"},
    "cases:detail": {"pk": "case"},
    "cases:edit": {"pk": "case"},
    "cases:sensitive-facts": {"pk": "case"},
    "cases:phase": {"pk": "case"},
    "cases:session-create": {"pk": "case"},
    "referrals:send": {"case_pk": "case"},
    **{
        f"referrals:{name}": {"pk": "referral"}
        for name in ("detail", "accept", "decline", "start", "complete", "cancel")
    },
    "transfers:request": {"case_pk": "case"},
    **{
        f"transfers:{name}": {"pk": "transfer"}
        for name in ("detail", "accept", "decline", "cancel")
    },
    **{
        f"followup:{name}": {"pk": "visit"}
        for name in ("visit", "visit-missed", "visit-move", "visit-cancel")
    },
    "followup:visit-add": {"case_pk": "case"},
    "followup:history": {"case_pk": "case"},
    **{
        f"plans:{name}": {"pk": "case"}
        for name in (
            "plan",
            "edit",
            "submit",
            "assessment-create",
            "family-assessment-create",
            "community-preparation-create",
            "closure-request",
            "livelihood-create",
        )  # fmt: skip
    },
    "plans:service-create": {"pk": "case", "action_pk": "action"},
    "plans:approval-decide": {"pk": "case", "approval_pk": "closure"},
    "documents:case-upload": {"case_pk": "case"},
    "documents:consent": {"case_pk": "case", "consent_pk": "consent"},
    "documents:plan": {"case_pk": "case", "plan_pk": "plan"},
    "documents:proceeding": {"case_pk": "case", "proceeding_pk": "proceeding"},
    "documents:return": {"case_pk": "case"},
    "documents:download": {"pk": "document"},
    "legal:create": {"case_pk": "case"},
    "legal:hearing-create": {"case_pk": "case", "pk": "proceeding"},
    "legal:hearing-record": {"case_pk": "case", "pk": "hearing"},
    "legal:hearing-move": {"case_pk": "case", "pk": "hearing"},
    "legal:hearing-cancel": {"case_pk": "case", "pk": "hearing"},
    "legal:protection-create": {"case_pk": "case", "pk": "proceeding"},
    "legal:compensation-create": {"case_pk": "case", "pk": "proceeding"},
    "returns:create": {"case_pk": "case"},
    "returns:edit": {"case_pk": "case"},
    "returns:step": {"case_pk": "case"},
    **{
        f"webhooks:{name}": {"pk": "endpoint"}
        for name in (
            "endpoint",
            "endpoint-edit",
            "endpoint-secret",
            "endpoint-pause",
            "endpoint-resume",
            "endpoint-remove",
        )  # fmt: skip
    },
    "webhooks:delivery-redeliver": {"endpoint_pk": "endpoint", "pk": "webhook_delivery"},
    "primero:call-retry": {"pk": "call"},
    "primero:inbound-detail": {"pk": "inbound"},
    "primero:inbound-accept": {"pk": "inbound"},
    "primero:inbound-decline": {"pk": "inbound"},
    "api:key-revoke": {"pk": "key"},
    "api:case-detail": {"pk": "case"},
    "api:case-phase": {"pk": "case"},
    "api:consent-detail": {"pk": "consent"},
    "api:consent-withdraw": {"pk": "consent"},
    "api:counselling-session-detail": {"pk": "session"},
    **{
        f"api:referral-{name}": {"pk": "referral"}
        for name in ("detail", "accept", "cancel", "complete", "decline", "start")
    },
    **{
        f"api:visit-{name}": {"pk": "visit"}
        for name in ("detail", "cancel", "missed", "move", "record")
    },
    "api:document-detail": {"pk": "document"},
    "api:document-content": {"pk": "document"},
    **{
        f"api:legal-proceeding-{name}": {"pk": "proceeding"}
        for name in ("detail", "compensations", "hearings", "protection-measures")
    },
    **{f"api:hearing-{name}": {"pk": "hearing"} for name in ("detail", "cancel", "move", "record")},
    **{f"api:plan-{name}": {"pk": "plan"} for name in ("detail", "actions", "goals", "submit")},
    "api:assessment-detail": {"pk": "assessment"},
    "api:approval-detail": {"pk": "closure"},
    "api:approval-decide": {"pk": "closure"},
    "api:service-delivered-detail": {"pk": "delivery"},
    "api:return-detail": {"pk": "cross_border_return"},
    "api:return-steps": {"pk": "cross_border_return"},
    "api:transfer-detail": {"pk": "transfer"},
    "api:family-assessment-detail": {"pk": "family_assessment"},
    "api:community-preparation-detail": {"pk": "preparation"},
    "api:livelihood-fact-detail": {"pk": "livelihood"},
}

# Parameters that name no one's object: a value everyone may ask for (the directory of
# organisations and community resources is everyone's, places are public, a step and a table
# are names), given as world attribute (str) or literal values (list).
OTHER_PARAMETERS: dict[str, dict[str, str | list[str]]] = {
    "password_reset_confirm": {"token": ["set-password", "bogus-token"]},
    "returns:step": {"step": ["nationality_verified", "handed_over"]},
    "dashboards:export": {"table": sorted(TABLE_SLUGS), "fmt": ["csv", "xlsx"]},
    "api:community-resource-detail": {"pk": "resource"},
    "api:organisation-detail": {"pk": "a"},
    "api:province-detail": {"code": ["12"]},
}

# Routes with no name: the URL to open.
UNNAMED = {"api/v1/^.*$": "/api/v1/no-such-list/"}

# Not swept, with the reason.
NOT_SWEPT = {
    "logout": "signs the persona out",
    "set_language": "changes the persona's language, names no data",
}

# Routes that answer 200 for any id, anyone's or no one's: the same page for all.
ALIKE_FOR_EVERY_ID = {
    "password_reset_confirm": "a sign-in link that does not hold shows 'this link is no longer "
    "valid' whoever's id it names",
}

# Bodies valid enough that only access decides the answer.
BODY = {
    "to_phase": "intake", "name_latin": "Changed by an outsider", "reason": "Outsider",
    "outcome": "Outsider", "decision": "approve", "decline_reason": "Outsider",
    "comment": "Outsider", "note": "Outsider", "attendance": "attended", "date": "2199-01-01",
    "scheduled_for": "2199-01-01", "visited_on": "2026-11-01", "done_on": "2026-11-01",
    "domain": "family", "description": "Outsider", "what": "Outsider", "provider_kind": "own",
    "target_date": "2199-01-01", "kind": "safe_house", "starts_on": "2026-11-01",
    "ordered_riel": 1000, "ordered_on": "2026-11-01", "step": "nationality_verified",
    "role": "supervisor", "active": "0", "status": "done", "new_password1": "x" * 20,
    "new_password2": "x" * 20, "given_by": "survivor", "purpose": "sharing",
    "given_on": "2026-11-01",
}  # fmt: skip

SESSION_PERSONAS = ("c_supervisor", "c_admin", "c_worker", "officer")
PERSONAS = (*SESSION_PERSONAS, "c_key")
API_METHODS = ("get", "post", "put", "patch", "delete")

# The tables whose rows an outsider must not change: every table of survivor data, of the
# organisations and their people, keys, endpoints and Primero records.
WATCHED_APPS = (
    "organisations", "cases", "referrals", "followup", "plans", "legal", "returns", "documents",
    "transfers", "webhooks", "primero", "api",
)  # fmt: skip


# ----------------------------------------------------------------------------------------------
# The URL conf, walked


def walk(patterns=None, prefix="", namespace=""):
    """(name or route, route, parameter names, view) of every URL pattern but the admin's."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            if not route.startswith("admin/"):
                yield from walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            parameters = set(getattr(pattern.pattern, "converters", {})) or set(
                pattern.pattern.regex.groupindex
            )
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name or route, route, parameters, pattern.callback


def test_the_table_names_every_parameter_of_every_route():
    missing, stale = [], set(OBJECT_PARAMETERS) | set(OTHER_PARAMETERS) | set(UNNAMED)
    for name, _route, parameters, _callback in walk():
        named = set(OBJECT_PARAMETERS.get(name, {})) | set(OTHER_PARAMETERS.get(name, {}))
        stale.discard(name)
        if name in UNNAMED:
            continue
        if parameters != named:
            missing.append(f"{name}: parameters {sorted(parameters)}, table {sorted(named)}")
    assert missing == [], (
        "Add these routes' parameters to OBJECT_PARAMETERS (the world's object each names) or "
        f"OTHER_PARAMETERS in tests/policy/test_outsider_sweep.py: {missing}"
    )
    assert stale == set(), f"The table names routes that are gone: {sorted(stale)}"


# ----------------------------------------------------------------------------------------------
# The world and its clients


@pytest.fixture(scope="module")
def built_once(django_db_setup, django_db_blocker, tmp_path_factory):
    documents = tmp_path_factory.mktemp("documents")
    with (
        time_machine.travel(NOW, tick=False),
        django_db_blocker.unblock(),
        documents_stored_in(documents),
        transaction.atomic(),
    ):
        yield build()
        transaction.set_rollback(True)


@pytest.fixture
def world(built_once, db):
    # Thousands of refused requests would each write two log lines.
    logging.disable(logging.WARNING)
    try:
        with time_machine.travel(NOW, tick=False):
            yield built_once
    finally:
        logging.disable(logging.NOTSET)


def client_of(world, persona: str) -> APIClient:
    client = APIClient()
    if persona == "c_key":
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {world.c_plaintext}")
        client.get(reverse("api:province-list"))  # the key's "last used" is written once
    else:
        client.force_login(getattr(world, persona))
    return client


def encode(parameter: str, value: int) -> str:
    return urlsafe_base64_encode(force_bytes(value)) if parameter == "uidb64" else str(value)


def other_values(world, name: str) -> list[dict[str, str]]:
    """Every combination of the route's parameters that name no object."""
    combinations = [{}]
    for parameter, source in OTHER_PARAMETERS.get(name, {}).items():
        values = source if isinstance(source, list) else [str(getattr(world, source).pk)]
        combinations = [{**done, parameter: value} for done in combinations for value in values]
    return combinations


def text_of(response) -> str:
    """The answer as a person would read it: a workbook's sheets unzipped, a file's bytes."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as workbook:
            content = b"".join(workbook.read(name) for name in workbook.namelist())
    return content.decode("utf-8", "replace")


def leaks(world, response) -> list[str]:
    text = text_of(response).lower()
    return [secret for secret in secrets_of(world) if secret.lower() in text]


def watched_tables() -> list[str]:
    return [
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in WATCHED_APPS and not model._meta.proxy
    ]


def row_state() -> dict[str, tuple]:
    """Per watched table, the rows this transaction inserted, updated and deleted so far
    (PostgreSQL counts them, in one cheap query); elsewhere, the tables' row counts."""
    tables = watched_tables()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables "
                "WHERE relname = ANY(%s)",
                [tables],
            )
            return {table: tuple(counts) for table, *counts in cursor.fetchall()}
        counts = ", ".join(f'(SELECT COUNT(*) FROM "{table}")' for table in tables)  # noqa: S608
        cursor.execute(f"SELECT {counts}")  # noqa: S608 (model tables, no input)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def changed(before: dict, after: dict) -> list[str]:
    return sorted(table for table in after if after[table] != before.get(table, after[table]))


def send(client, method: str, url: str, *, api: bool):
    if method == "get":
        return client.get(url)
    if api:
        return getattr(client, method)(url, BODY, format="json", HTTP_IF_MATCH="*")
    return getattr(client, method)(url, BODY)


def shape(response, ids: dict[str, str]) -> tuple:
    """What a person learns from an answer without its body: the status, and where a redirect
    goes with the ids asked for blanked."""
    location = response.get("Location", "")
    for value in ids.values():
        location = re.sub(rf"(?<=/){re.escape(value)}(?=/)", "{id}", location)
    return response.status_code, location


# ----------------------------------------------------------------------------------------------
# Routes naming an object


def object_routes():
    return [
        (name, is_api(callback), methods_of(callback))
        for name, route, _parameters, callback in walk()
        if name in OBJECT_PARAMETERS and name not in NOT_SWEPT
    ]


def methods_of(callback) -> tuple[str, ...]:
    """GET and POST on a page; on the API, the methods its view set answers (DRF refuses any
    other with 405 before it looks at the object)."""
    if not is_api(callback):
        return ("get", "post")
    actions = getattr(callback, "actions", None) or {}
    return tuple(method for method in API_METHODS if method in actions) or API_METHODS


def is_api(callback) -> bool:
    return hasattr(callback, "cls")


def probes(world, name: str) -> list[tuple[str, dict, dict]]:
    """(what, the ids naming A's objects, the same ids missing): each object parameter naming
    A's object; and, where a route names a case (or an endpoint) and an object in it, C's own
    case with A's object in it."""
    parameters = OBJECT_PARAMETERS[name]
    found = []
    for others in other_values(world, name):
        theirs = {p: encode(p, getattr(world, target).pk) for p, target in parameters.items()}
        missing = {p: encode(p, MISSING) for p in parameters}
        found.append(("A's", {**theirs, **others}, {**missing, **others}))
        if len(parameters) > 1:
            outer = next(p for p, target in parameters.items() if target in ("case", "endpoint"))
            own = str(getattr(world, f"c_{parameters[outer]}").pk)
            found.append(
                (
                    "C's outer, A's inner",
                    {**theirs, outer: own, **others},
                    {**missing, outer: own, **others},
                )
            )
    return found


def sweep_objects(world, persona: str, routes) -> tuple[list[str], Counter]:
    """The persona's requests on each route's probes, each beside the same request with the
    ids missing: what differs, succeeds, shows a secret or changes a row."""
    client = client_of(world, persona)
    failures, statuses = [], Counter()
    for name, api, methods in routes:
        if persona == "c_key" and not api:
            continue  # a key opens the API only: every page sends it to sign in
        before = row_state()
        for what, ids, missing_ids in probes(world, name):
            url, missing_url = reverse(name, kwargs=ids), reverse(name, kwargs=missing_ids)
            for method in methods:
                answer = send(client, method, url, api=api)
                expected = send(client, method, missing_url, api=api)
                label = f"{persona} {method.upper()} {url} ({what})"
                statuses[answer.status_code] += 1
                if 200 <= answer.status_code < 300 and name not in ALIKE_FOR_EVERY_ID:
                    failures.append(f"{label}: {answer.status_code}")
                got, alike = shape(answer, ids), shape(expected, missing_ids)
                if got != alike:
                    failures.append(f"{label}: {got}, a missing id {alike}")
                if found := leaks(world, answer):
                    failures.append(f"{label}: shows {found}")
        if tables := changed(before, row_state()):
            failures.append(f"{persona} on {name}: rows changed in {tables}")
    return failures, statuses


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_outsider_gets_the_missing_answer_on_every_object_route(world, persona, capsys):
    failures, statuses = sweep_objects(world, persona, object_routes())
    with capsys.disabled():
        print(f"\noutsider sweep, {persona} on object routes: {sorted(statuses.items())}")
    assert not failures, "\n".join(failures)
    assert statuses.total() > 40


# ----------------------------------------------------------------------------------------------
# Routes naming no object: lists, inboxes, searches, exports, dashboards


def list_routes():
    return [
        (name, is_api(callback) or route.startswith("api/v1/^"))
        for name, route, _parameters, callback in walk()
        if name not in OBJECT_PARAMETERS and name not in NOT_SWEPT
    ]


def list_urls(world, name: str) -> list[str]:
    if name in UNNAMED:
        return [UNNAMED[name]]
    return [reverse(name, kwargs=values) for values in other_values(world, name)]


def search_texts(world) -> list[str]:
    """What an outsider types to find A's case: parts of its name, number and canary text, and
    its id. None of them is itself a secret, so a page that repeats the search holds no secret;
    a page that finds the case does."""
    return [
        world.case.name_latin.split()[-1],
        world.case.case_number[:-1],
        CANARY[1:],
        KHMER_CANARY[3:],
        str(world.case.pk),
    ]


def a_ids(world) -> set[str]:
    return {
        str(value)
        for value in (
            world.a.pk,
            world.case.pk,
            world.owner.pk,
            world.case.origin_province_id,
            world.case.origin_village.commune_id if world.case.origin_village else None,
        )  # fmt: skip
        if value
    }


def query_variants(world, page_html: str) -> list[dict]:
    """The searches and filters a person can send from the page: each text box of its GET
    forms with each search text, each list with A's ids and its first choices."""
    variants = []
    for attributes, body in re.findall(r"<form\b([^>]*)>(.*?)</form>", page_html, re.S):
        if 'method="post"' in attributes.lower():
            continue
        for tag, name, rest in re.findall(
            r'<(input|select)\b[^>]*?name="([^"]+)"([^>]*>(?:.*?</select>)?)', body, re.S
        ):
            if tag == "select":
                options = [o for o in re.findall(r'<option[^>]*value="([^"]*)"', rest) if o]
                chosen = options[:1] + [o for o in options[1:] if o in a_ids(world)]
                variants += [{name: option} for option in chosen]
            elif re.search(r'type="(text|search)"', rest) or "type=" not in rest:
                variants += [{name: text} for text in search_texts(world)[:2]]
    return variants


def api_query_variants(world, schema: dict, path: str) -> list[dict]:
    """Each query parameter of a list in the OpenAPI schema in turn: A's objects for the
    parameters naming one, every choice of a list of choices, else the search texts."""
    named = {
        "case": world.case.pk,
        "proceeding": world.proceeding.pk,
        "province": world.case.origin_province_id,
        "nationality": str(world.case.nationality),
        "updated_since": "2000-01-01T00:00:00Z",
        "since": "2000-01-01T00:00:00Z",
    }
    operation = schema["paths"].get(path, {}).get("get", {})
    variants = [{"page_size": 200}]
    for parameter in operation.get("parameters", []):
        name = parameter["name"]
        if parameter.get("in") != "query" or name in ("page", "page_size", "cursor"):
            continue
        enum = parameter.get("schema", {}).get("enum")
        values = [named[name]] if name in named else enum or search_texts(world)[:2]
        variants += [{name: value, "page_size": 200} for value in values]
    return variants


@functools.cache
def api_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def sweep_lists(world, persona: str, routes) -> tuple[list[str], Counter]:
    """The persona opens each route naming no object, sends each search and filter it offers,
    and must see none of A's secrets."""
    client = client_of(world, persona)
    failures, statuses = [], Counter()
    for name, api in routes:
        if persona == "c_key" and not api:
            continue
        for url in list_urls(world, name):
            page = client.get(url)
            variants = [{}]
            if api:
                variants += api_query_variants(world, api_schema(), url)
            elif "html" in page.get("Content-Type", "") and page.status_code == 200:
                variants += query_variants(world, page.content.decode())
            for query in variants:
                answer = client.get(url, query, follow=True) if query else page
                statuses[answer.status_code] += 1
                if answer.status_code >= 500:
                    failures.append(f"{persona} GET {url} {query}: {answer.status_code}")
                if found := leaks(world, answer):
                    failures.append(f"{persona} GET {url} {query}: shows {found}")
            if name == "cases:list" and not api:
                # The caseload's search is posted, so that a name stays out of the address.
                for text in search_texts(world):
                    answer = client.post(url, {"q": text}, follow=True)
                    statuses[answer.status_code] += 1
                    if found := leaks(world, answer):
                        failures.append(f"{persona} POST {url} q={text}: shows {found}")
    return failures, statuses


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_list_search_export_or_dashboard_shows_an_outsider_a_canary(world, persona, capsys):
    failures, statuses = sweep_lists(world, persona, list_routes())
    with capsys.disabled():
        print(f"\noutsider sweep, {persona} on lists: {sorted(statuses.items())}")
    assert not failures, "\n".join(failures)
    assert statuses.total() > 20


def test_a_policy_that_shares_everything_fails_the_sweep(world, monkeypatch):
    """The sweep is not blind: with the sharing rule broken (every case shared with every
    organisation) it reports the case page, the API and the caseload's search."""
    from django.db.models import Q, Value

    from cases import selectors
    from cases.models import Case
    from cases.visibility import CASE_FACTS, IDENTITY

    monkeypatch.setattr(
        selectors,
        "shared_with",
        lambda organisation, category=None, today=None, among=None: Q(pk__isnull=False),
    )

    # The caseload reads the same grants as rows (`shared_grants`), and picks its pages from
    # the grants' rows in the database (`_shared_caseload_parts`).
    def every_case(user, case_ids=None):
        cases = Case.objects.all() if case_ids is None else Case.objects.filter(pk__in=case_ids)
        return selectors.Grants(
            {pk: {IDENTITY, CASE_FACTS} for pk in cases.values_list("pk", flat=True)}
        )

    def every_other_case(user):
        ordering = selectors._caseload_ordering(user, None)
        others = Case.objects.exclude(organisation=selectors.active_membership(user).organisation)
        # Each with identity and case facts read (the first two bits, `page_grants`).
        others = others.annotate(**ordering, grant=Value(0b011))
        return [selectors.CaseloadPart(others.values_list("id", *ordering, "grant"))]

    monkeypatch.setattr(selectors, "shared_grants", every_case)
    monkeypatch.setattr(selectors, "_shared_caseload_parts", every_other_case)
    names = ("cases:detail", "api:case-detail", "cases:edit")
    routes = [route for route in object_routes() if route[0] in names]
    failures, _statuses = sweep_objects(world, "c_supervisor", routes)
    assert any("/cases/" in failure and ": 200" in failure for failure in failures), failures
    failures, _statuses = sweep_lists(world, "c_supervisor", [("cases:list", False)])
    assert any("shows" in failure for failure in failures), failures


# ----------------------------------------------------------------------------------------------
# The Django admin, generated from its registry


# How each model's rows lead to their organisation, tried in turn where the admin names none.
ORGANISATION_PATHS = (
    "organisation",
    "case__organisation",
    "membership__organisation",
    "user__membership__organisation",
    "recipient__membership__organisation",
    "visit__case__organisation",
    "reminder__visit__case__organisation",
)

# Models whose rows belong to no organisation, with the reason.
NO_ORGANISATION = {
    "auth.Group": "groups of permissions, the platform's",
    "axes.AccessAttempt": "failed sign-ins by user name, for the platform's administrators",
    "axes.AccessLog": "sign-ins by user name, for the platform's administrators",
    "axes.AccessFailureLog": "failed sign-ins by user name, for the platform's administrators",
    "organisations.Province": "places are public",
    "organisations.District": "places are public",
    "organisations.Commune": "places are public",
    "organisations.Village": "places are public",
    "auditlog.LogEntry": "changes name their object by type and id; the changelist is checked",
}


def a_rows(model, model_admin, world) -> list:
    from django.core.exceptions import FieldError

    label = model._meta.label
    if model is type(world.a):
        return [world.a]
    if label in NO_ORGANISATION:
        return []
    paths = [getattr(model_admin, "organisation_path", None), *ORGANISATION_PATHS]
    for path in filter(None, paths):
        try:
            return list(model.objects.filter(**{path: world.a.pk}).order_by("pk")[:3])
        except FieldError:
            continue
    raise AssertionError(
        f"{label}: say in ORGANISATION_PATHS how its rows lead to an organisation, or in "
        "NO_ORGANISATION why they belong to none"
    )


def test_the_admin_shows_an_outsider_none_of_a_s_rows(world, capsys):
    personas = {persona: client_of(world, persona) for persona in SESSION_PERSONAS}
    failures, changelists, rows = [], 0, 0
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        found = a_rows(model, model_admin, world)
        for persona in SESSION_PERSONAS:
            client = personas[persona]
            answer = client.get(changelist, {"q": search_texts(world)[0]})
            changelists += 1
            if answer.status_code >= 500 or leaks(world, answer):
                failures.append(f"{persona} {changelist}: {answer.status_code}")
            # The admin is closed to all but administrators: one page each shows it.
            views = ("change", "history", "delete") if persona == "c_admin" else ("change",)
            for row in found if persona == "c_admin" else found[:1]:
                for view in views:
                    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[row.pk])
                    answer = client.get(url)
                    rows += 1
                    refused = answer.status_code in (302, 403, 404)
                    if not refused or leaks(world, answer):
                        failures.append(
                            f"{persona} {url}: {answer.status_code} {leaks(world, answer)}"
                        )
    with capsys.disabled():
        print(f"\noutsider sweep, admin: {changelists} changelists, {rows} rows of A refused")
    assert not failures, "\n".join(failures)
    assert rows > 100


# ----------------------------------------------------------------------------------------------
# The control: A's own people reach every object the table names


def test_a_s_own_people_open_every_object_page_the_table_names(world, capsys):
    """Without this half the sweep could pass on wrong ids: A's supervisor (A's administrator
    on the administrator's pages) opens each object route's A probe; an action that takes only
    POST is posted in a savepoint rolled back at once, and is not refused as missing."""
    supervisor, administrator = APIClient(), APIClient()
    supervisor.force_login(world.supervisor)
    administrator.force_login(world.a_admin)
    statuses, wrong = {}, []
    for name, api, methods in object_routes():
        for what, ids, _missing in probes(world, name):
            if what != "A's":
                continue
            url = reverse(name, kwargs=ids)
            method = "get" if "get" in methods else methods[0]
            answer = _as_owner(supervisor, method, url, api)
            if answer.status_code == 404:
                answer = _as_owner(administrator, method, url, api)
            if answer.status_code == 405 and method == "get":
                method = "post"
                answer = _as_owner(supervisor, method, url, api)
                if answer.status_code == 404:
                    answer = _as_owner(administrator, method, url, api)
            key = f"{method.upper()} {answer.status_code}"
            statuses[key] = statuses.get(key, 0) + 1
            if answer.status_code in (404, 405) or answer.status_code >= 500:
                wrong.append(f"{name} {method.upper()} {url}: {answer.status_code}")
            elif method == "get" and answer.status_code != 200 and name not in ALIKE_FOR_EVERY_ID:
                wrong.append(f"{name} GET {url}: {answer.status_code}")
    with capsys.disabled():
        print(f"\noutsider sweep, control: A's own people {sorted(statuses.items())}")
    assert not wrong, "\n".join(wrong)
    assert statuses.get("GET 200", 0) > 60


def _as_owner(client, method: str, url: str, api: bool):
    with transaction.atomic():
        answer = send(client, method, url, api=api)
        transaction.set_rollback(True)
    return answer
