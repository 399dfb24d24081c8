import json

from django.db import migrations

import cases.encryption


def snapshot_accepted_transfers(apps, schema_editor):
    """Transfers accepted before snapshots existed: their senders read the case as it is
    now. Nothing says what it held at acceptance, so the snapshot is taken of the current
    values: from here on, nothing the new owner changes reaches the sender."""
    from cases.snapshots import case_snapshot, encoder

    Transfer = apps.get_model("transfers", "Transfer")
    accepted = Transfer.objects.filter(status="accepted", sender_snapshot="").select_related("case")
    for transfer in accepted.iterator(chunk_size=500):
        snapshot = case_snapshot(transfer.case, transfer.case.exploitations.order_by("id"))
        transfer.sender_snapshot = json.dumps(snapshot, cls=encoder)
        transfer.save(update_fields=["sender_snapshot"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0020_foreign_national_origin_optional"),
        ("transfers", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="transfer",
            name="sender_snapshot",
            field=cases.encryption.EncryptedTextField(
                blank=True,
                editable=False,
                verbose_name="the case as the sending organisation handed it over",
            ),
        ),
        migrations.RunPython(snapshot_accepted_transfers, migrations.RunPython.noop),
    ]
