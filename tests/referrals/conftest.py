"""Referral personas on top of tests/conftest.py: other_ngo (where `outsider` is a supervisor)
receives the referrals; `stranger` belongs to a third organisation and must see nothing."""

import pytest

from organisations.models import Role
from tests.organisations.factories import OrganisationFactory, UserFactory

from .helpers import give_consent


@pytest.fixture
def receiver_worker(other_ngo):
    return UserFactory(username="receiver", organisation=other_ngo, role=Role.SOCIAL_WORKER)


@pytest.fixture
def third_ngo(db):
    return OrganisationFactory(name="Third Legal Aid NGO", short_name="TLA")


@pytest.fixture
def stranger(third_ngo):
    return UserFactory(username="stranger", organisation=third_ngo, role=Role.SUPERVISOR)


@pytest.fixture
def consent(case, owner, other_ngo):
    """Identity and case facts, not health, with other_ngo by name."""
    return give_consent(case, owner, organisation=other_ngo)
