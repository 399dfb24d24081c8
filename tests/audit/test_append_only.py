"""Nobody rewrites history: the ORM refuses, and on PostgreSQL so does the database."""

import pytest
from auditlog.models import LogEntry
from django.db import DatabaseError, connection, transaction

from audit.models import AccessEvent, Action, AppendOnlyError, Channel
from tests.cases.factories import CaseFactory
from tests.conftest import need_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(owner, case):
    return AccessEvent.objects.create(
        user=owner, action=Action.VIEW, case=case, channel=Channel.BROWSER
    )


def test_the_orm_refuses_to_change_or_delete_a_row(event, owner):
    event.action = Action.EXPORT
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.filter(pk=event.pk).update(action=Action.EXPORT)
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.filter(user=owner).delete()
    event.refresh_from_db()
    assert event.action == Action.VIEW


def test_the_admin_is_read_only(event, rf, owner):
    from django.contrib import admin

    model_admin = admin.site._registry[AccessEvent]
    request = rf.get("/")
    request.user = owner
    owner.is_superuser = True
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_accessevent SET action = 'export'",
        "DELETE FROM audit_accessevent",
        "UPDATE auditlog_logentry SET changes_text = 'rewritten'",
        "DELETE FROM auditlog_logentry",
    ],
)
def test_postgresql_refuses_raw_update_and_delete(event, sql):
    need_service(connection.vendor == "postgresql", "the append-only trigger is PostgreSQL's")
    assert LogEntry.objects.exists()  # the case's creation
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AccessEvent.objects.filter(pk=event.pk, action=Action.VIEW).exists()


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_still_empties_the_tables(places, owner):
    # The flush after this test TRUNCATEs both tables; no row trigger fires on TRUNCATE.
    CaseFactory(actor=owner)
    AccessEvent.objects.create(user=owner, action=Action.LIST, channel=Channel.BROWSER)
    assert LogEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_and_the_next_one_starts_empty(places):
    assert not AccessEvent.objects.exists()
    assert not LogEntry.objects.exists()
