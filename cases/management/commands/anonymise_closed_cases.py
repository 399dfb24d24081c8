from django.core.management.base import BaseCommand

from cases.retention import cases_anonymise, cases_due_for_anonymising

BATCH = 500


class Command(BaseCommand):
    help = (
        "Anonymise cases closed longer ago than their organisation's retention period, "
        "keeping what the statistics count. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args, dry_run=False, **options):
        ids = list(cases_due_for_anonymising().values_list("pk", flat=True))
        if dry_run:
            self.stdout.write(f"{len(ids)} closed cases are due for anonymising.")
            return
        done = sum(cases_anonymise(case_ids=ids[i : i + BATCH]) for i in range(0, len(ids), BATCH))
        self.stdout.write(f"Anonymised {done} closed cases.")
