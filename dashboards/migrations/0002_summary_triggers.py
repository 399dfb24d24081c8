from django.db import migrations

from dashboards.triggers import drop_sql, install_sql


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(install_sql())


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(drop_sql())


def rebuild(apps, schema_editor):
    """The summary is counted by 0003, once every table it writes exists."""


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0001_initial"),
        ("cases", "0020_foreign_national_origin_optional"),
        ("referrals", "0004_inbox_order"),
        ("followup", "0005_hearing_reminders"),
        ("plans", "0005_closure_reason_returned_home"),
        ("returns", "0001_initial"),
        ("organisations", "0005_user_session_epoch"),
    ]

    operations = [
        migrations.RunPython(install, drop),
        migrations.RunPython(rebuild, migrations.RunPython.noop),
    ]
