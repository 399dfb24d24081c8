from django.db import migrations


def add_cuboids(apps, schema_editor):
    """The national sums by sex, by age and by both (summary.ROLLUPS), from the rows counted."""
    if schema_editor.connection.vendor != "postgresql":
        return
    if not apps.get_model("dashboards", "SummaryState").objects.exists():
        return
    from dashboards.summary import _rollup_sql

    # A summary first counted by 0003 with this code has them already.
    schema_editor.execute("DELETE FROM dashboards_summaryrow WHERE cuboid IN (4, 8, 12)")
    for cuboid in (4, 8, 12):
        schema_editor.execute(*_rollup_sql(cuboid))
    schema_editor.execute("ANALYZE dashboards_summaryrow")


def drop_cuboids(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DELETE FROM dashboards_summaryrow WHERE cuboid IN (4, 8, 12)")


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0004_summary_cell_order"),
    ]

    operations = [migrations.RunPython(add_cuboids, drop_cuboids)]
