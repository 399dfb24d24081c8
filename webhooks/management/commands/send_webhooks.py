import time

from django.core.management.base import BaseCommand

from webhooks.delivery import deliveries_send_due


class Command(BaseCommand):
    help = "Send the webhook deliveries that are due (once, or every --loop seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, default=0, metavar="SECONDS")

    def handle(self, *args, loop: float, **options):
        while True:
            run = deliveries_send_due()
            self.stdout.write(
                f"{run.delivered} delivered, {run.retrying} to retry, {run.failed} given up, "
                f"{run.paused} endpoints paused."
            )
            if not loop:
                return
            time.sleep(loop)
