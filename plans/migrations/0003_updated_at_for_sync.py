"""A change time on every record a partner syncs: approvals change when decided; the other
records are written once, so their change time starts as their creation time."""

import django.utils.timezone
from django.db import migrations, models
from django.db.models.functions import Coalesce

WRITTEN_ONCE = [
    "needsassessment",
    "familyassessment",
    "communitypreparation",
    "servicedelivery",
    "livelihoodfact",
]


def backfill(apps, schema_editor):
    for name in WRITTEN_ONCE:
        apps.get_model("plans", name).objects.update(updated_at=models.F("created_at"))
    apps.get_model("plans", "approval").objects.update(
        updated_at=Coalesce("decided_at", "requested_at")
    )


def add(model_name):
    return migrations.AddField(
        model_name=model_name,
        name="updated_at",
        field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
        preserve_default=False,
    )


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_labels")]

    operations = [
        *[add(name) for name in WRITTEN_ONCE],
        add("approval"),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
