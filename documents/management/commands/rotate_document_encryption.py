from django.core.management.base import BaseCommand

from documents.models import Document
from documents.storage import re_encrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt every document's file with the first key of FIELD_ENCRYPTION_KEY, so that "
        "older keys can then be removed (run with rotate_field_encryption)."
    )

    def handle(self, *args, **options):
        names = Document.objects.values_list("storage_name", flat=True).iterator()
        total = 0
        for name in names:
            re_encrypt(name)
            total += 1
        self.stdout.write(f"Re-encrypted {total} documents with the current key.")
