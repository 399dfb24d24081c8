"""The database options the app relies on are set by its migrations, not by hand."""

import pytest
from django.db import connection

from tests.conftest import need_service

pytestmark = pytest.mark.django_db


def database_settings() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setconfig FROM pg_db_role_setting s JOIN pg_database d"
            " ON d.oid = s.setdatabase WHERE d.datname = current_database() AND s.setrole = 0"
        )
        row = cursor.fetchone()
    return list(row[0]) if row else []


def test_jit_is_off_for_the_applications_database():
    need_service(connection.vendor == "postgresql", "database settings are PostgreSQL's")
    assert "jit=off" in database_settings()
    # A new connection gets it: the Team page's query is not JIT-compiled.
    fresh = connection.get_new_connection(connection.get_connection_params())
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
    finally:
        fresh.close()
