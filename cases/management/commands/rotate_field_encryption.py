from django.core.management.base import BaseCommand
from django.db import transaction

from cases.encryption import rotate
from cases.models import CaseSensitiveFacts, CounsellingSession
from webhooks.models import WebhookEndpoint

ENCRYPTED = {
    CaseSensitiveFacts: ["hiv_status", "health_notes", "legal_details"],
    CounsellingSession: ["confidential_notes"],
    WebhookEndpoint: ["secret"],
}


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value with the first key of FIELD_ENCRYPTION_KEY, so that "
        "older keys can then be removed."
    )

    def handle(self, *args, **options):
        total = 0
        for model, fields in ENCRYPTED.items():
            with transaction.atomic():
                for pk, *tokens in _stored_tokens(model, fields):
                    changes = {f: rotate(t) for f, t in zip(fields, tokens, strict=True) if t}
                    if changes:
                        model.objects.filter(pk=pk).update(**_raw_values(model, changes))
                        total += 1
        self.stdout.write(f"Re-encrypted {total} rows with the current key.")


def _stored_tokens(model, fields):
    """The ORM would decrypt; read the stored tokens instead."""
    from django.db import connection

    table = model._meta.db_table
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {columns} FROM {connection.ops.quote_name(table)}")  # noqa: S608
        yield from cursor.fetchall()


def _raw_values(model, changes):
    """An UPDATE through the ORM would encrypt again: wrap tokens so they are stored as they are."""
    from django.db.models import Value
    from django.db.models.fields import TextField

    return {field: Value(token, output_field=TextField()) for field, token in changes.items()}
