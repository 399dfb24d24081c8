"""The database options the app relies on travel with its connections, not with a database."""

import pytest
from django.db import connection

from tests.conftest import need_service

pytestmark = pytest.mark.django_db


def setting_and_source(cursor, name: str) -> tuple[str, str]:
    cursor.execute("SELECT setting, source FROM pg_settings WHERE name = %s", [name])
    return cursor.fetchone()


def test_every_connection_of_the_app_runs_without_jit():
    need_service(connection.vendor == "postgresql", "database settings are PostgreSQL's")
    # Set by the connection itself ("client"), so a copy or a restore of the database into
    # another one, or a release run by a role that does not own it, cannot lose it.
    with connection.cursor() as cursor:
        assert setting_and_source(cursor, "jit") == ("off", "client")
    fresh = connection.get_new_connection(connection.get_connection_params())
    try:
        with fresh.cursor() as cursor:
            assert setting_and_source(cursor, "jit") == ("off", "client")
    finally:
        fresh.close()


def test_the_database_itself_carries_no_setting_the_app_needs():
    need_service(connection.vendor == "postgresql", "database settings are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setconfig FROM pg_db_role_setting s JOIN pg_database d"
            " ON d.oid = s.setdatabase WHERE d.datname = current_database() AND s.setrole = 0"
        )
        row = cursor.fetchone()
    assert "jit=off" not in (row[0] if row else [])
