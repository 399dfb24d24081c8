from django.core.management.base import BaseCommand

from documents.sweep import orphan_files_delete


class Command(BaseCommand):
    help = "Delete stored document files that no document names (left by an interrupted upload)."

    def handle(self, *args, **options):
        deleted = orphan_files_delete()
        self.stdout.write(f"Deleted {deleted} stored file(s) that no document named.")
