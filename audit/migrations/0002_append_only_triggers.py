"""On PostgreSQL, audit rows cannot be changed or deleted, not even by raw SQL from the
application's database role: a trigger on each audit table raises on UPDATE and DELETE.

What this does not stop, and why: TRUNCATE fires no row trigger (Django's test flush relies on
that), and the owner of a table may DROP or DISABLE its trigger, as may a superuser in a
maintenance session. Hence a separate owning role for migrations, and `manage.py
grant_app_role` to give the application's role only SELECT and INSERT on these two tables."""

from django.db import migrations

TABLES = ["audit_accessevent", "auditlog_logentry"]

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

TRIGGER = """
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # params=None: the function's text has "%" placeholders of its own (RAISE's).
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(TRIGGER.format(table=table), params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};", params=None
        )
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_refuse_change();", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
