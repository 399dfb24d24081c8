from django.core.management.base import BaseCommand

from organisations.services import places_load


class Command(BaseCommand):
    help = "Load or refresh Cambodia's provinces, districts, communes and villages (MEF 2025)."

    def handle(self, *args, **options):
        counts = places_load()
        self.stdout.write(", ".join(f"{n} {level}" for level, n in counts.items()))
