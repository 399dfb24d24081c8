"""Personas every access test is built on: the owner worker, a colleague, a supervisor and the
organisation's admin in one NGO; an outsider in another NGO; a ministry officer.

`make test` runs the suite in parallel worker processes (pytest-xdist). Each worker has a test
database of its own (pytest-django puts the worker id in its name) and a Redis database of its
own (`pytest_configure` below); the services a test stops or kills are its own, on free ports
(tests/followup/services.py), and so are its files (tmp_path)."""

import contextlib
import gc
import os
import shutil
import urllib.parse

import pytest
from django.conf import settings as django_settings

from organisations.models import OrganisationKind, Role
from tests.cases.factories import CaseFactory
from tests.organisations.factories import PASSWORD, OrganisationFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def need_service(available: bool, reason: str) -> None:
    """Skip a test whose service is missing, except where CI requires every service."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


# Redis's default number of databases (`databases 16` in redis.conf).
REDIS_DATABASES = 16
# As the settings read it, before a worker takes its own database (pytest_configure).
CONFIGURED_REDIS_URL = django_settings.REDIS_URL


def redis_url_for_worker(url: str, worker: int) -> str:
    """The configured Redis database for worker 0 (and a run without workers), the next ones
    for the others: redis://host:6379/9 is /9 for gw0, /10 for gw1."""
    parts = urllib.parse.urlsplit(url)
    configured = int(parts.path.strip("/") or 0)
    return parts._replace(path=f"/{(configured + worker) % REDIS_DATABASES}").geturl()


def pytest_configure(config):
    """In an xdist worker, point the broker the tests publish to, and the REDIS_URL the
    processes they start inherit, at the worker's own Redis database."""
    worker_id = getattr(config, "workerinput", {}).get("workerid")
    if not worker_id:
        return
    from config.celery_app import app as celery_app

    url = redis_url_for_worker(CONFIGURED_REDIS_URL, int(worker_id.removeprefix("gw")))
    os.environ["REDIS_URL"] = url
    django_settings.REDIS_URL = django_settings.CELERY_BROKER_URL = url
    celery_app.conf.broker_url = url


def pytest_collection_finish(session):
    """What collection built (the modules, the OpenAPI schema the fuzzer reads, Django's
    apps) lives as long as the run: frozen out of the garbage collector's generations, it is
    not walked again on each collection while tests run (about a seventh of the fuzzer's
    time)."""
    gc.collect()
    gc.freeze()


def pytest_addoption(parser):
    parser.addoption(
        "--clock-at",
        metavar="HH:MM",
        default=None,
        help=(
            "Run every test with the clock moved to today at this UTC time, ticking on: "
            "17:00 is midnight in Phnom Penh, 16:59 the minute before."
        ),
    )


@pytest.fixture(autouse=True)
def clock_at(request):
    """Tests must pass at any hour; `--clock-at 17:00` shows those that do not. A test
    marked `own_clock` runs at the moment its module sets (its data was written then); one
    marked `real_clock` compares this process's time with a clock that cannot be moved (the
    times of files, the worker and web processes it starts), and runs at the real time."""
    at = request.config.getoption("--clock-at")
    if not at or any(request.node.get_closest_marker(m) for m in ("own_clock", "real_clock")):
        yield
        return
    import datetime as dt

    import time_machine

    hour, minute = (int(part) for part in at.split(":"))
    moment = dt.datetime.now(dt.UTC).replace(hour=hour, minute=minute, second=0, microsecond=0)
    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete():
    """A transactional test (the browser's live server, a second connection) empties every
    table when it ends. Django's flush on PostgreSQL truncates them, which makes new files for
    each of some 600 tables and indexes: 0.85 s a test. Deleting the rows, with triggers off
    for the statement's transaction as a replica applies rows (the audit tables' append-only
    triggers, the foreign keys' checks, the dashboards' marks), empties them in a few
    milliseconds and leaves the same empty tables. Only a superuser may switch triggers off;
    any other role, and a flush that resets sequences, truncates as Django does."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if tables and not reset_sequences and _superuser(self.connection):
            return [
                "SET LOCAL session_replication_role = replica",
                *(f"DELETE FROM {self.quote_name(table)}" for table in tables),  # noqa: S608 - table names, quoted
            ]
        return truncate(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = truncate


def _superuser(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return bool(cursor.fetchone()[0])


@pytest.fixture(autouse=True)
def _empty_cache():
    """Nothing cached outlives a test: the API throttle counts requests per key and per person,
    the dashboards keep numbers per scope, and on SQLite a rolled-back test hands its ids to the
    next one, which would inherit the counts (a 429) or the numbers of a test gone by."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def english_by_default():
    """A request in Khmer leaves Khmer active in the thread; each test starts in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


# Copies of the place tables under names Django does not know, so that a transactional
# test's flush leaves them: each later test puts its places back with one statement a table,
# not by reading and upserting 14,000 villages from the published lists again.
PLACE_TABLES = [
    "organisations_province",
    "organisations_district",
    "organisations_commune",
    "organisations_village",
]


def _kept(table: str) -> str:
    return f"kept_{table}"


@pytest.fixture
def places(transactional_db):
    """Transactional tests empty every table afterwards, the migration's places included:
    this fixture puts them back (the first time, as the migration loaded them)."""
    from django.db import connection

    from organisations.models import Province
    from organisations.services import places_load

    if Province.objects.exists():
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        if all(_kept(table) in existing for table in PLACE_TABLES):
            for table in PLACE_TABLES:  # parents first
                cursor.execute(f"INSERT INTO {table} SELECT * FROM {_kept(table)}")  # noqa: S608
            return
        places_load()
        for table in PLACE_TABLES:
            cursor.execute(f"CREATE TABLE {_kept(table)} AS SELECT * FROM {table}")  # noqa: S608


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def ngo(db):
    return OrganisationFactory(name="Homecoming Test Shelter", short_name="HTS")


@pytest.fixture
def other_ngo(db):
    return OrganisationFactory(name="Other Province NGO", short_name="OPN")


@pytest.fixture
def ministry(db):
    return OrganisationFactory(
        name="Ministry of Social Affairs", short_name="MOSALVY", kind=OrganisationKind.MINISTRY
    )


@pytest.fixture
def owner(ngo):
    return UserFactory(username="owner", organisation=ngo, role=Role.SOCIAL_WORKER)


@pytest.fixture
def colleague(ngo):
    return UserFactory(username="colleague", organisation=ngo, role=Role.SOCIAL_WORKER)


@pytest.fixture
def supervisor(ngo):
    return UserFactory(username="supervisor", organisation=ngo, role=Role.SUPERVISOR)


@pytest.fixture
def org_admin(ngo):
    return UserFactory(username="orgadmin", organisation=ngo, role=Role.ORG_ADMIN)


@pytest.fixture
def outsider(other_ngo):
    return UserFactory(username="outsider", organisation=other_ngo, role=Role.SUPERVISOR)


@pytest.fixture
def officer(ministry):
    return UserFactory(username="officer", organisation=ministry, role=Role.MINISTRY_OFFICER)


@pytest.fixture
def case(owner):
    return CaseFactory(actor=owner, name_latin="Sok Sreyneang", hiv_status="positive")


@pytest.fixture
def document_dir(tmp_path):
    """Documents stored in a directory of the test's own, so that a test can look at every
    byte written and nothing is left behind."""
    with documents_stored_in(tmp_path / "documents") as root:
        yield root


@contextlib.contextmanager
def documents_stored_in(root):
    from django.test import override_settings

    storages = {
        **django_settings.STORAGES,
        "documents": {
            "BACKEND": "documents.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    with override_settings(STORAGES=storages):
        yield root


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


# Browser tests: headless Debian chromium driven by Playwright against Django's live server.
# The machines have no internet, so chromium runs with background networking, component
# updates and sync off.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    executable = shutil.which("chromium")
    need_service(executable is not None, "Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class Console:
    """Collects the browser console's errors; a test that expects one says so."""

    def __init__(self):
        self.errors: list[str] = []
        self.expected: list[str] = []

    def expect(self, fragment: str) -> None:
        self.expected.append(fragment)

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(f in e for f in self.expected)]

    def listen(self, page):
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))


@pytest.fixture
def console():
    return Console()


@pytest.fixture
def open_page(chromium, live_server, places, console):
    """Open pages in fresh, isolated browser contexts; console errors fail the test."""
    contexts = []

    def new_page(*, viewport=None, locale="en-GB"):
        context = chromium.new_context(
            base_url=live_server.url,
            viewport=viewport or {"width": 1280, "height": 900},
            locale=locale,
        )
        contexts.append(context)
        page = context.new_page()
        console.listen(page)
        return page

    yield new_page
    for context in contexts:
        context.close()
    assert console.unexpected() == []
