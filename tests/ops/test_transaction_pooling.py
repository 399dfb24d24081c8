"""Behind PgBouncer in transaction mode each transaction may run on another server connection:
nothing may rely on state kept on the connection between transactions."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("api", "audit", "cases", "config", "dashboards", "followup", "ops", "organisations")
APPS += ("plans", "referrals")
# Session-level state: SET without LOCAL, session advisory locks, LISTEN, prepared statements,
# temporary tables, and server-side cursors held across transactions. SET CONSTRAINTS and SET
# TRANSACTION last to the end of the transaction, as SET LOCAL does.
SESSION_STATE = re.compile(
    r"""["']\s*(SET\s+(?!LOCAL\b|CONSTRAINTS\b|TRANSACTION\b)(SESSION\s+)?\w+|LISTEN\b|PREPARE\b|CREATE\s+TEMP)"""
    r"""|pg_advisory_lock\(|pg_advisory_unlock\(""",
)


def source_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_the_search_recognises_session_state():
    assert SESSION_STATE.search('cursor.execute("SET statement_timeout = 0")')
    assert SESSION_STATE.search("cursor.execute('SELECT pg_advisory_lock(1)')")
    assert not SESSION_STATE.search('cursor.execute("SET LOCAL statement_timeout = 0")')
    assert not SESSION_STATE.search('cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")')
    assert not SESSION_STATE.search('help_text="Set on completion"')


def test_no_code_keeps_state_on_the_database_connection():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in source_files()
        for match in SESSION_STATE.finditer(path.read_text())
    ]
    assert found == []


def production_databases(code: str, pooling: bool) -> str:
    """What `code` prints about the production settings' DATABASES, behind PgBouncer in
    transaction mode or straight to PostgreSQL."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 60,
        "FIELD_ENCRYPTION_KEY": "a-key",
        "ALLOWED_HOSTS": "homecoming.example.org",
        "DATABASE_URL": "postgres://homecoming_app@pgbouncer:6432/homecoming",
        "DATABASE_REPLICA_URL": "postgres://homecoming_app@pgbouncer:6432/homecoming_replica",
        "DATABASE_TRANSACTION_POOLING": "true" if pooling else "false",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DEFAULT_FROM_EMAIL": "homecoming@example.org",
    }
    result = subprocess.run(  # noqa: S603 - our own settings, fixed arguments
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_transaction_pooling_turns_server_side_cursors_off_everywhere():
    code = (
        "from django.conf import settings; "
        "print(sorted((alias, db['DISABLE_SERVER_SIDE_CURSORS']) "
        "for alias, db in settings.DATABASES.items()))"
    )
    assert production_databases(code, pooling=True) == "[('default', True), ('replica', True)]"


def test_session_options_go_with_each_connection_unless_pgbouncer_would_refuse_them():
    # PgBouncer refuses (or, told to, ignores) a startup option it does not track, such as
    # jit: behind it the application's role carries the setting instead (README).
    code = (
        "from django.conf import settings; "
        "print(sorted((alias, db.get('OPTIONS', {}).get('options')) "
        "for alias, db in settings.DATABASES.items()))"
    )
    direct = "[('default', '-c jit=off'), ('replica', '-c jit=off')]"
    assert production_databases(code, pooling=False) == direct
    assert production_databases(code, pooling=True) == "[('default', None), ('replica', None)]"
