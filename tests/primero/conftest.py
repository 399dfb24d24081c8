"""The Primero double running as a real HTTP server, and an NGO connected to it that refers
cases to a provincial Department of Social Affairs working in Primero."""

import pytest

from organisations.models import OrganisationKind
from primero.services import connection_save
from tests.organisations.factories import OrganisationFactory
from tests.referrals.helpers import give_consent

from .double import PrimeroDouble

RECIPIENT = "homecoming"  # the NGO's own user in Primero, which Primero users refer to
DOSVY_USER = "dosvy.siemreap"


@pytest.fixture
def primero():
    double = PrimeroDouble().start()
    yield double
    double.stop()


@pytest.fixture
def dosvy(db):
    return OrganisationFactory(
        name="Siem Reap Department of Social Affairs",
        short_name="DoSVY-SR",
        kind=OrganisationKind.PROVINCIAL_DEPARTMENT,
    )


@pytest.fixture
def connection(primero, ngo, dosvy):
    return connection_save(
        organisation=ngo,
        base_url=primero.url,
        username="homecoming",
        password="s3cret-pass",
        recipient=RECIPIENT,
        routes={dosvy: DOSVY_USER},
    )


@pytest.fixture
def consents(case, owner, dosvy):
    """The survivor agreed to receive services and to share identity and case facts (not
    health) with the department."""
    services = give_consent(
        case, owner, purpose="services", identity=False, case_facts=True, health=False
    )
    sharing = give_consent(case, owner, organisation=dosvy)
    return services, sharing
