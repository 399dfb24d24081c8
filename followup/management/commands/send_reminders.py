import time

from django.core.management.base import BaseCommand

from followup.sending import reminders_send_due


class Command(BaseCommand):
    help = "Send the follow-up reminders that are due (once, or every --loop seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, default=0, metavar="SECONDS")
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args, loop: float, batch_size: int, **options):
        while True:
            sent = reminders_send_due(batch_size=batch_size)
            self.stdout.write(f"{sent} reminders sent.")
            if not loop:
                return
            time.sleep(loop)
