from django.core.management.base import BaseCommand

from primero.sync import sync_cycle


class Command(BaseCommand):
    help = "Run one exchange cycle with every organisation's Primero server and say what it did."

    def handle(self, *args, **options):
        lines = sync_cycle()
        for line in lines:
            self.stdout.write(line)
        if not lines:
            self.stdout.write("No organisation is connected to Primero.")
