from django.db import migrations


def load(apps, schema_editor):
    from organisations.services import places_load

    places_load(registry=apps)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
