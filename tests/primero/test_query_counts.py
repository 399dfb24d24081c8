"""The connection page and the list of referrals from Primero cost the same number of
queries however many calls or referrals they show."""

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from primero import sync
from primero.models import OutboxCall
from tests.cases.factories import CaseFactory
from tests.referrals.helpers import give_consent, send

from .conftest import RECIPIENT

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    with CaptureQueriesContext(db) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("count", [2, 8])
def test_connection_page_query_budget(connection, owner, dosvy, org_admin, client_for, count):
    for _ in range(count):
        case = CaseFactory(actor=owner)
        give_consent(case, owner, organisation=dosvy)
        send(case, owner, dosvy)
    sync.sync_cycle()  # no consent for services: every call fails, with its reason
    OutboxCall.objects.filter(pk__in=OutboxCall.objects.all()[: count // 2]).update(
        status="waiting"
    )
    total, sql = queries_for(client_for(org_admin), reverse("primero:connection"))
    # session, user, membership; the connection, its routes and their organisations; the
    # counts; the failed, waiting and done calls; the audit row.
    assert total == 11, "\n".join(s[:90] for s in sql)


@pytest.mark.parametrize("count", [2, 8])
def test_inbound_list_query_budget(primero, connection, owner, client_for, count):
    for number in range(count):
        primero.refer(primero.add_case(name=f"Survivor {number}"), to=RECIPIENT)
    sync.sync_cycle()
    total, sql = queries_for(client_for(owner), reverse("primero:inbound"))
    # session, user, membership; the paginator's count and the page; the audit row.
    assert total == 6, sql
