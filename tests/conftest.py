"""Personas every access test is built on: the owner worker, a colleague, a supervisor and the
organisation's admin in one NGO; an outsider in another NGO; a ministry officer."""

import os

import pytest

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


@pytest.fixture(autouse=True)
def english_by_default():
    """A request in Khmer leaves Khmer active in the thread; each test starts in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


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
def client_for(client):
    """A test client signed in as the given user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
