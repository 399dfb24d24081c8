import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from organisations.models import Organisation

from ...models import KEY_LIFETIME_DAYS
from ...services import api_key_create


class Command(BaseCommand):
    help = "Create an API key for an organisation and print it once."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="The organisation's slug.")
        parser.add_argument("--name", required=True, help="Which system uses the key.")
        parser.add_argument(
            "--days", type=int, default=KEY_LIFETIME_DAYS, help="Days until the key expires."
        )

    def handle(self, *args, org, name, days, **options):
        try:
            organisation = Organisation.objects.get(slug=org)
        except Organisation.DoesNotExist:
            known = ", ".join(Organisation.objects.values_list("slug", flat=True)[:20])
            raise CommandError(
                f"No organisation has the slug “{org}”. Known slugs include: {known or 'none'}."
            ) from None
        if days < 1:
            raise CommandError("Give --days as a whole number of days, 1 or more.")
        try:
            key, plaintext = api_key_create(
                actor=None,
                organisation=organisation,
                name=name,
                expires_at=timezone.now() + dt.timedelta(days=days),
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write(
            f"Key “{key.name}” for {organisation.name}, expires {key.expires_at:%Y-%m-%d}. "
            "It is shown this once: store it now."
        )
        self.stdout.write(plaintext)
