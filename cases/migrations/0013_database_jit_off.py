"""PostgreSQL's JIT compiler is switched off for the application's database.

The app's queries are short, index-driven reads whose cost estimates can still cross the JIT
thresholds (correlated subqueries per row): compiling then costs more than running them, as
much as two seconds of a 2.2-second Team page. New connections get the setting; the reverse
restores the server's default. Nothing to do on SQLite.
"""

from django.db import migrations

JIT_OFF = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
END
$$;
"""

JIT_DEFAULT = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I RESET jit', current_database());
END
$$;
"""


def jit_off(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(JIT_OFF, params=None)


def jit_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(JIT_DEFAULT, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_shares_are_the_referrals_holding_access")]

    operations = [migrations.RunPython(jit_off, jit_default, elidable=False)]
