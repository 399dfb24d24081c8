"""A backup restores into a fresh PostgreSQL database with every row and the same records."""

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from tests.cases.factories import CaseFactory, log_session
from tests.conftest import need_service

ROOT = Path(__file__).resolve().parent.parent


def url_for(name: str) -> str:
    s = connection.settings_dict
    user = s["USER"] or "postgres"
    return f"postgres://{user}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def table_counts(cursor) -> dict[str, int]:
    cursor.execute(
        "select table_name from information_schema.tables where table_schema = 'public' "
        "and table_type = 'BASE TABLE' order by 1"
    )
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f'select count(*) from "{table}"')  # noqa: S608 - names from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_fresh_database(places, owner, tmp_path):
    need_service(connection.vendor == "postgresql", "backup and restore need PostgreSQL")
    for n in range(3):
        case = CaseFactory(actor=owner, name_latin=f"Seng Rachana {n}", health_notes="ART")
        log_session(actor=owner, case=case, confidential_notes="Notes that must survive.")
    source = connection.settings_dict["NAME"]
    fresh = f"{source}_restored"
    dump = tmp_path / "homecoming.dump"
    env = {**os.environ, "DATABASE_URL": url_for(source)}
    psql_admin = ["psql", url_for("postgres"), "-c"]
    subprocess.run([*psql_admin, f'drop database if exists "{fresh}"'], check=True)  # noqa: S603
    subprocess.run([*psql_admin, f'create database "{fresh}"'], check=True)  # noqa: S603
    try:
        subprocess.run([ROOT / "bin/backup", dump], env=env, check=True)  # noqa: S603
        subprocess.run([ROOT / "bin/restore", dump, url_for(fresh)], check=True)  # noqa: S603
        refused = subprocess.run(  # noqa: S603
            [ROOT / "bin/restore", dump, url_for(fresh)], capture_output=True, text=True
        )
        assert refused.returncode == 1 and "not empty" in refused.stderr

        import psycopg2

        with connection.cursor() as cursor:
            original = table_counts(cursor)
            cursor.execute("select id, case_number, name_latin from cases_case order by id")
            original_cases = cursor.fetchall()
            cursor.execute("select id, health_notes from cases_casesensitivefacts order by id")
            original_tokens = cursor.fetchall()
        restored_db = psycopg2.connect(url_for(fresh))
        try:
            with restored_db.cursor() as cursor:
                assert table_counts(cursor) == original
                cursor.execute("select id, case_number, name_latin from cases_case order by id")
                assert cursor.fetchall() == original_cases
                cursor.execute("select id, health_notes from cases_casesensitivefacts order by id")
                assert cursor.fetchall() == original_tokens  # still encrypted, same tokens
        finally:
            restored_db.close()
        assert original["cases_case"] == 3 and original["organisations_village"] == 14576
    finally:
        subprocess.run([*psql_admin, f'drop database if exists "{fresh}"'], check=True)  # noqa: S603
