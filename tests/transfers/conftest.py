import pytest

from organisations.models import Role
from tests.organisations.factories import UserFactory


@pytest.fixture
def new_lead(other_ngo):
    """The receiving organisation's supervisor, who answers a transfer."""
    return UserFactory(username="newlead", organisation=other_ngo, role=Role.SUPERVISOR)


@pytest.fixture
def new_worker(other_ngo):
    """The receiving organisation's social worker, named to work on the case."""
    return UserFactory(username="newworker", organisation=other_ngo, role=Role.SOCIAL_WORKER)
