"""Generated from the OpenAPI schema: every operation on one object, called by someone of
another organisation (an API key, a signed-in supervisor) or a ministry officer, on an object
they may not see, answers 404 and leaks nothing; no list shows them the owner's objects.

A new operation fails `test_the_matrix_covers_every_operation` until it is given an entry."""

import copy
import json
from types import SimpleNamespace

import pytest
from django.db import transaction
from drf_spectacular.generators import SchemaGenerator

from api.services import api_key_create
from organisations.models import OrganisationKind, Role
from tests.api.conftest import world_build
from tests.cases.factories import CaseFactory
from tests.conftest import documents_stored_in
from tests.legal.factories import CHARGES
from tests.organisations.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC = "public"  # a directory everyone signed in may read: nothing to hide

# (path, method) → the object of `world` the call names. Bodies are valid enough that only
# access decides the answer.
OBJECT_OPERATIONS = {
    ("/api/v1/cases/{id}/", "get"): ("case", None),
    ("/api/v1/cases/{id}/", "patch"): ("case", {"name_latin": "Changed"}),
    ("/api/v1/cases/{id}/phase/", "post"): ("case", {"to_phase": "intake"}),
    ("/api/v1/consents/{id}/", "get"): ("consent", None),
    ("/api/v1/consents/{id}/withdraw/", "post"): ("consent", {}),
    ("/api/v1/counselling-sessions/{id}/", "get"): ("session", None),
    ("/api/v1/referrals/{id}/", "get"): ("referral", None),
    ("/api/v1/referrals/{id}/accept/", "post"): ("referral", {}),
    ("/api/v1/referrals/{id}/decline/", "post"): ("referral", {"reason": "No space."}),
    ("/api/v1/referrals/{id}/start/", "post"): ("referral", {}),
    ("/api/v1/referrals/{id}/complete/", "post"): ("referral", {"outcome": "Done."}),
    ("/api/v1/referrals/{id}/cancel/", "post"): ("referral", {}),
    ("/api/v1/visits/{id}/", "get"): ("visit", None),
    ("/api/v1/visits/{id}/record/", "post"): ("visit", {"visited_on": "2026-01-01"}),
    ("/api/v1/visits/{id}/missed/", "post"): ("visit", {}),
    ("/api/v1/visits/{id}/cancel/", "post"): ("visit", {"reason": "Moved away."}),
    ("/api/v1/visits/{id}/move/", "post"): (
        "visit",
        {"scheduled_for": "2199-01-01", "reason": "Rain."},
    ),
    ("/api/v1/documents/{id}/", "get"): ("document", None),
    ("/api/v1/documents/{id}/content/", "get"): ("document", None),
    ("/api/v1/plans/{id}/", "get"): ("plan", None),
    ("/api/v1/plans/{id}/goals/", "post"): ("plan", {"domain": "family", "description": "x"}),
    ("/api/v1/plans/{id}/actions/", "post"): (
        "plan",
        {"goal": 1, "what": "x", "provider_kind": "own", "target_date": "2027-01-01"},
    ),
    ("/api/v1/plans/{id}/submit/", "post"): ("plan", {}),
    ("/api/v1/assessments/{id}/", "get"): ("assessment", None),
    ("/api/v1/approvals/{id}/", "get"): ("approval", None),
    ("/api/v1/approvals/{id}/decide/", "post"): ("approval", {"decision": "approve"}),
    ("/api/v1/services-delivered/{id}/", "get"): ("delivery", None),
    ("/api/v1/returns/{id}/", "get"): ("cross_border_return", None),
    ("/api/v1/returns/{id}/steps/", "post"): (
        "cross_border_return",
        {"step": "nationality_verified", "done_on": "2026-01-01"},
    ),
    ("/api/v1/transfers/{id}/", "get"): ("transfer", None),
    ("/api/v1/legal-proceedings/{id}/", "get"): ("proceeding", None),
    ("/api/v1/legal-proceedings/{id}/hearings/", "post"): ("proceeding", {"date": "2199-01-01"}),
    ("/api/v1/legal-proceedings/{id}/protection-measures/", "post"): (
        "proceeding",
        {"kind": "safe_house", "starts_on": "2026-01-01"},
    ),
    ("/api/v1/legal-proceedings/{id}/compensations/", "post"): (
        "proceeding",
        {"ordered_riel": 1000, "ordered_on": "2026-01-01"},
    ),
    ("/api/v1/hearings/{id}/", "get"): ("hearing", None),
    ("/api/v1/hearings/{id}/record/", "post"): ("hearing", {"attendance": "attended"}),
    ("/api/v1/hearings/{id}/move/", "post"): ("hearing", {"date": "2199-01-01"}),
    ("/api/v1/hearings/{id}/cancel/", "post"): ("hearing", {}),
    ("/api/v1/family-assessments/{id}/", "get"): ("family_assessment", None),
    ("/api/v1/community-preparation/{id}/", "get"): ("preparation", None),
    ("/api/v1/livelihood-facts/{id}/", "get"): ("livelihood", None),
    ("/api/v1/community-resources/{id}/", "get"): ("hidden_resource", None),
    ("/api/v1/organisations/{id}/", "get"): ("inactive_organisation", None),
    ("/api/v1/provinces/{code}/", "get"): (PUBLIC, None),
}

# List path → the object of `world` it must never show to the callers below.
LIST_OPERATIONS = {
    "/api/v1/cases/": "case",
    "/api/v1/consents/": "consent",
    "/api/v1/counselling-sessions/": "session",
    "/api/v1/referrals/": "referral",
    "/api/v1/visits/": "visit",
    "/api/v1/documents/": "document",
    "/api/v1/plans/": "plan",
    "/api/v1/assessments/": "assessment",
    "/api/v1/approvals/": "approval",
    "/api/v1/services-delivered/": "delivery",
    "/api/v1/returns/": "cross_border_return",
    "/api/v1/transfers/": "transfer",
    "/api/v1/legal-proceedings/": "proceeding",
    "/api/v1/hearings/": "hearing",
    "/api/v1/family-assessments/": "family_assessment",
    "/api/v1/community-preparation/": "preparation",
    "/api/v1/livelihood-facts/": "livelihood",
    "/api/v1/community-resources/": "hidden_resource",
    "/api/v1/organisations/": "inactive_organisation",
    "/api/v1/provinces/": PUBLIC,
    "/api/v1/tombstones/": "case",
}

# Lists that need a parameter: the object of `world` whose id it takes.
LIST_PARAMETERS = {"/api/v1/documents/": {"case": "case"}}

CALLERS = ["other_organisations_key", "other_organisations_supervisor", "ministry_officer"]


def schema_operations() -> tuple[set, set]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    on_objects, lists = set(), set()
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in ("parameters", "summary", "description"):
                continue
            if "{" in path:
                on_objects.add((path, method))
            elif method == "get":
                lists.add(path)
    return on_objects, lists


def test_the_matrix_covers_every_operation():
    on_objects, lists = schema_operations()
    assert set(OBJECT_OPERATIONS) == on_objects, (
        "Give each new operation on an object an entry in OBJECT_OPERATIONS: "
        f"missing {sorted(on_objects - set(OBJECT_OPERATIONS))}, "
        f"gone {sorted(set(OBJECT_OPERATIONS) - on_objects)}"
    )
    assert set(LIST_OPERATIONS) == lists, (
        f"Give each new list an entry in LIST_OPERATIONS: {sorted(lists ^ set(LIST_OPERATIONS))}"
    )


@pytest.fixture(scope="module")
def built_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """The personas of tests/conftest.py, the world of tests/api/conftest.py and the other
    organisation's key, built once for the module's ~160 tests in a transaction rolled back
    when the module is done; each test runs in its own savepoint inside it, so what one test
    writes the next never sees."""
    documents = tmp_path_factory.mktemp("documents")
    with django_db_blocker.unblock(), documents_stored_in(documents), transaction.atomic():
        ngo = OrganisationFactory(name="Homecoming Test Shelter", short_name="HTS")
        other_ngo = OrganisationFactory(name="Other Province NGO", short_name="OPN")
        ministry = OrganisationFactory(
            name="Ministry of Social Affairs", short_name="MOSALVY", kind=OrganisationKind.MINISTRY
        )
        owner = UserFactory(username="owner", organisation=ngo, role=Role.SOCIAL_WORKER)
        supervisor = UserFactory(username="supervisor", organisation=ngo, role=Role.SUPERVISOR)
        people = SimpleNamespace(
            owner=owner,
            supervisor=supervisor,
            outsider=UserFactory(username="outsider", organisation=other_ngo, role=Role.SUPERVISOR),
            officer=UserFactory(
                username="officer", organisation=ministry, role=Role.MINISTRY_OFFICER
            ),
            other_key=api_key_create(actor=None, organisation=other_ngo, name="Other NGO database"),
            world=world_build(
                owner=owner,
                supervisor=supervisor,
                case=CaseFactory(actor=owner, name_latin="Sok Sreyneang", hiv_status="positive"),
                third_ngo=OrganisationFactory(name="Legal Aid Cambodia", short_name="LAC"),
            ),
        )
        yield people
        transaction.set_rollback(True)


@pytest.fixture
def built(built_once, db):
    # A copy per test, as Django's setUpTestData gives: objects a test changes in memory
    # are not the next test's.
    return copy.deepcopy(built_once)


@pytest.fixture
def world(built):
    return built.world


@pytest.fixture
def owner(built):
    return built.owner


@pytest.fixture
def supervisor(built):
    return built.supervisor


@pytest.fixture
def other_api(built, key_client):
    return key_client(built.other_key[1])


@pytest.fixture
def caller(request, other_api, session_api, built):
    outsider, officer = built.outsider, built.officer
    return {
        "other_organisations_key": lambda: other_api,
        "other_organisations_supervisor": lambda: session_api(outsider),
        "ministry_officer": lambda: session_api(officer),
    }[request.param]()


def secrets_of(world) -> list[str]:
    """What must not appear in any answer to an outsider."""
    case = world.case
    return [
        case.name_latin,
        case.name_khmer,
        case.case_number,
        "Nightmares",
        "Needs a lawyer",
        "Uncle arranged the journey",
        "Canary Agency",
        CHARGES,
    ]


def call(client, method, url, body):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, body, format="json", HTTP_IF_MATCH="*")


@pytest.mark.parametrize("caller", CALLERS, indirect=True)
@pytest.mark.parametrize(("path", "method"), sorted(OBJECT_OPERATIONS))
def test_an_object_of_another_organisation_is_not_found(world, caller, path, method):
    name, body = OBJECT_OPERATIONS[(path, method)]
    if name == PUBLIC:
        assert caller.get(path.replace("{code}", "12")).status_code == 200
        return
    url = path.replace("{id}", str(getattr(world, name).pk))
    response = call(caller, method, url, body)
    assert response.status_code == 404, response.content
    assert response["Content-Type"] == "application/problem+json"
    text = response.content.decode()
    for secret in secrets_of(world):
        assert secret not in text


@pytest.mark.parametrize("caller", CALLERS, indirect=True)
@pytest.mark.parametrize("path", sorted(LIST_OPERATIONS))
def test_no_list_shows_another_organisations_objects(world, caller, path):
    from tests.referrals.helpers import unshare

    # A tombstone only names cases that were shared; the owner's case never was with them.
    unshare(world.case, world.referral.to_organisation)
    parameters = {
        name: getattr(world, target).pk for name, target in LIST_PARAMETERS.get(path, {}).items()
    }
    response = caller.get(path, {"page_size": 200, **parameters})
    assert response.status_code == 200, response.content
    body = response.json()
    text = json.dumps(body, ensure_ascii=False)
    for secret in secrets_of(world):
        assert secret not in text
    name = LIST_OPERATIONS[path]
    if name == PUBLIC:
        assert body["results"]
        return
    hidden = getattr(world, name).pk
    key = "case" if path == "/api/v1/tombstones/" else "id"
    assert hidden not in [row[key] for row in body["results"]]


@pytest.mark.parametrize(("path", "method"), sorted(OBJECT_OPERATIONS))
def test_the_owner_reaches_every_object_the_matrix_names(
    world, session_api, owner, supervisor, path, method
):
    """The control: the same calls by the case's own worker do not answer 404, so the matrix
    above tests access, not broken URLs."""
    name, body = OBJECT_OPERATIONS[(path, method)]
    if name in (PUBLIC, "hidden_resource", "inactive_organisation"):
        return
    url = path.replace("{id}", str(getattr(world, name).pk))
    if path.startswith("/api/v1/transfers/"):
        # A transfer is for those who answer for the organisation: its supervisor reads it.
        owner = supervisor
    response = call(session_api(owner), method, url, body)
    if "/referrals/{id}/" in path and method == "post" and not path.endswith("cancel/"):
        # Answering is the receiver's: the sender is refused, but knows the referral exists.
        assert response.status_code == 403, response.content
        return
    if path == "/api/v1/approvals/{id}/decide/":
        # Deciding is a supervisor's, never the asker's: refused, on a request the worker sees.
        assert response.status_code == 403, response.content
        return
    assert response.status_code in (200, 400), response.content
