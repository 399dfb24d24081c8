from django.core.management.base import BaseCommand

from cases.retention import cases_anonymise_due, cases_due_for_anonymising


class Command(BaseCommand):
    help = (
        "Anonymise cases closed longer ago than their organisation's retention period, "
        "keeping what the statistics count. Beat runs the same every hour."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            due = cases_due_for_anonymising().count()
            self.stdout.write(f"{due} closed cases are due for anonymising.")
            return
        self.stdout.write(f"Anonymised {cases_anonymise_due()} closed cases.")
