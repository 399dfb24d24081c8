"""Nothing to do: PostgreSQL's JIT compiler is switched off by every connection of the app.

This migration once ran `ALTER DATABASE … SET jit = off`. That needs the database's owner,
and a copy or a restore into another database loses the setting while the migration stays
recorded as applied. Each connection now asks for it when it connects
(config.settings.base.POSTGRESQL_SESSION_OPTIONS; behind PgBouncer, the application's role
carries it: README, "Production settings"). A database that ran the old migration keeps the
setting, which agrees with the connections'.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_shares_are_the_referrals_holding_access")]

    operations = []
