"""With migrations run by an owning role and `grant_app_role`, the application's own role
cannot erase history: no UPDATE, DELETE or TRUNCATE of audit rows, no dropping the trigger;
while it still reads and writes the rest."""

import io
import uuid

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import AccessEvent, Action, Channel
from tests.cases.factories import CaseFactory
from tests.conftest import need_service

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def app_role():
    need_service(connection.vendor == "postgresql", "database roles are PostgreSQL's")
    role = f"homecoming_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN")
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {role}")
        cursor.execute(f"DROP ROLE {role}")


def connect_as(role: str):
    settings = connection.settings_dict
    database = psycopg2.connect(
        dbname=settings["NAME"],
        user=role,
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
    )
    database.autocommit = True
    return database.cursor()


def refused(cursor, sql: str) -> str:
    with pytest.raises(psycopg2.Error) as error:
        cursor.execute(sql)
    return str(error.value)


def test_the_application_role_adds_audit_rows_and_cannot_erase_them(places, owner, app_role):
    case = CaseFactory(actor=owner)
    event = AccessEvent.objects.create(
        user=owner, action=Action.VIEW, case=case, channel=Channel.BROWSER
    )
    out = io.StringIO()
    call_command("grant_app_role", app_role, stdout=out)
    assert "only read and add rows to audit_accessevent and auditlog_logentry" in out.getvalue()

    app = connect_as(app_role)
    # It works with cases, and it records access.
    app.execute("UPDATE cases_case SET risk_level = 'high' WHERE id = %s", [case.pk])
    columns = ", ".join(f.column for f in AccessEvent._meta.concrete_fields if not f.primary_key)
    app.execute(
        f"INSERT INTO audit_accessevent ({columns}) "  # noqa: S608 - the model's own columns
        f"SELECT {columns} FROM audit_accessevent WHERE id = %s",
        [event.pk],
    )
    app.execute("SELECT count(*) FROM audit_accessevent")
    assert app.fetchone()[0] == 2

    # It cannot change, remove or empty the history, nor take the trigger away.
    for sql in (
        "UPDATE audit_accessevent SET action = 'export'",
        "DELETE FROM audit_accessevent",
        "TRUNCATE audit_accessevent",
        "TRUNCATE auditlog_logentry",
        "DELETE FROM auditlog_logentry",
        "DROP TRIGGER audit_accessevent_append_only ON audit_accessevent",
        "ALTER TABLE audit_accessevent DISABLE TRIGGER ALL",
        "DROP TABLE audit_accessevent",
    ):
        message = refused(app, sql)
        assert "permission denied" in message or "must be owner" in message, (sql, message)
    assert AccessEvent.objects.filter(pk=event.pk, action=Action.VIEW).exists()
    app.connection.close()


def test_the_command_refuses_a_role_that_cannot_be_limited(app_role):
    with pytest.raises(CommandError, match="no database role named"):
        call_command("grant_app_role", "nobody_by_that_name")
    with pytest.raises(CommandError, match="superuser"):
        call_command("grant_app_role", connection.settings_dict["USER"] or "postgres")
