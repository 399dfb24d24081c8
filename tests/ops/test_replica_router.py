"""With DATABASE_REPLICA_URL set, dashboards and exports read the survivors' data from the
replica, and nothing else does: not the caseload, not the case page, not sign-in or sessions,
and never a write. Here a second alias on the test database stands in for the replica."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ops.routers import ReplicaRouter, replica_reads
from organisations.models import Role
from tests.cases.factories import CaseFactory
from tests.organisations.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica(settings):
    settings.READ_REPLICA_ENABLED = True
    return connections["replica"]


def tables_read(captured) -> str:
    return " ".join(query["sql"] for query in captured.captured_queries)


def test_dashboards_read_the_replica(places, replica, client_for, ngo):
    supervisor = UserFactory(organisation=ngo, role=Role.SUPERVISOR)
    CaseFactory(actor=supervisor)
    client = client_for(supervisor)
    with CaptureQueriesContext(replica) as on_replica:
        response = client.get(reverse("dashboards:dashboard"))
    assert response.status_code == 200
    assert "cases_case" in tables_read(on_replica)
    # People and sessions stay on the primary, so replication lag signs nobody out.
    assert "django_session" not in tables_read(on_replica)
    assert "organisations_membership" not in tables_read(on_replica)


def test_the_caseload_and_case_page_never_touch_the_replica(places, replica, client_for, owner):
    case = CaseFactory(actor=owner)
    client = client_for(owner)
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get(reverse("cases:list")).status_code == 200
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert on_replica.captured_queries == []


def test_writes_and_their_reads_stay_on_the_primary_inside_a_replica_read(places, replica, owner):
    with replica_reads(), CaptureQueriesContext(replica) as on_replica:
        case = CaseFactory(actor=owner)  # reads its number sequence under a lock, then writes
    assert case.case_number
    assert on_replica.captured_queries == []


def test_without_a_replica_everything_reads_the_primary(places, client_for, ngo):
    supervisor = UserFactory(organisation=ngo, role=Role.SUPERVISOR)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert client_for(supervisor).get(reverse("dashboards:dashboard")).status_code == 200
    assert on_replica.captured_queries == []


def test_migrations_run_on_the_primary_only():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "cases")
    assert not router.allow_migrate("replica", "cases")
