"""Rebuild the dashboards' summary from scratch, or recompute its dirty partitions."""

import time

from django.core.management.base import BaseCommand

from dashboards.summary import summary_rebuild, summary_refresh


class Command(BaseCommand):
    help = "Rebuild the dashboards' summary tables (or, with --refresh, only what changed)."

    def add_arguments(self, parser):
        parser.add_argument("--refresh", action="store_true", help="only the dirty partitions")

    def handle(self, *args, refresh: bool, **options):
        started = time.monotonic()
        if refresh:
            done = summary_refresh()
            self.stdout.write(f"{done} partitions recomputed in {time.monotonic() - started:.1f} s")
            return
        rows = summary_rebuild()
        self.stdout.write(f"{rows} summary rows in {time.monotonic() - started:.1f} s")
