"""Give the application's PostgreSQL role what it needs, and no more.

    manage.py migrate                          # as the role that owns the tables
    manage.py grant_app_role homecoming_app    # as that owner too, after every migrate

The web and worker processes then connect as `homecoming_app`. It reads and writes every
table, but on the audit tables it may only read and add rows: not owning them, it cannot
TRUNCATE them, drop their append-only trigger or alter them, and it is not granted UPDATE or
DELETE either. Running it again after a migration grants the new tables; it changes nothing
else.
"""

from auditlog.models import LogEntry
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from audit.models import AccessEvent

AUDIT_TABLES = (AccessEvent._meta.db_table, LogEntry._meta.db_table)


class Command(BaseCommand):
    help = "Grant the application's database role read and write; on audit tables, read and add."

    def add_arguments(self, parser):
        parser.add_argument("role", help="The PostgreSQL role the application connects as.")

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL; SQLite has no roles.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            found = cursor.fetchone()
            if found is None:
                raise CommandError(
                    f"There is no database role named {role!r}. Create it first, e.g. "
                    f"CREATE ROLE {role} LOGIN PASSWORD '…'; then run this again."
                )
            if found[0]:
                raise CommandError(f"{role!r} is a superuser: no grant can limit it.")
            cursor.execute("SELECT current_schema(), current_database()")
            schema, database = cursor.fetchone()
            cursor.execute(
                "SELECT tableowner FROM pg_tables WHERE schemaname = %s AND tablename = ANY(%s)",
                [schema, list(AUDIT_TABLES)],
            )
            owners = {owner for (owner,) in cursor.fetchall()}
            if not owners:
                raise CommandError("The audit tables are missing: run manage.py migrate first.")
            if role in owners:
                raise CommandError(
                    f"{role!r} owns the audit tables, and an owner may empty them or drop their "
                    "trigger: run migrate as another role and let the application connect as "
                    f"{role!r}."
                )

            name = connection.ops.quote_name(role)
            quoted_schema = connection.ops.quote_name(schema)
            statements = [
                f"GRANT CONNECT ON DATABASE {connection.ops.quote_name(database)} TO {name}",
                f"GRANT USAGE ON SCHEMA {quoted_schema} TO {name}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {quoted_schema} "
                f"TO {name}",
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quoted_schema} TO {name}",
            ]
            statements += [
                f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {table} FROM {name}"
                for table in AUDIT_TABLES
            ]
            with transaction.atomic():
                for statement in statements:
                    cursor.execute(statement)
            cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s", [schema])
            tables = cursor.fetchone()[0]
        self.stdout.write(
            f"{role} may read and write {tables - len(AUDIT_TABLES)} tables, and only read and "
            f"add rows to {' and '.join(AUDIT_TABLES)}."
        )
