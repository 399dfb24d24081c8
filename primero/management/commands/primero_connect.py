import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from organisations.models import Organisation
from primero.models import AuthMode
from primero.services import connection_save


def _route(text: str) -> tuple[str, str]:
    slug, _, user_name = text.partition("=")
    if not slug or not user_name:
        raise CommandError(f"--route takes <organisation slug>=<Primero user>, not {text!r}.")
    return slug, user_name


class Command(BaseCommand):
    help = (
        "Connect an organisation to a Primero v2 server. The password is read from an "
        "environment variable, never from the command line, and checked by a test call."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--url", required=True, help="Primero's address, https://…")
        parser.add_argument("--username", required=True, help="the integration account")
        parser.add_argument(
            "--password-env", required=True, help="the environment variable holding its password"
        )
        parser.add_argument(
            "--recipient",
            required=True,
            help="the Primero user whose incoming referrals come into this organisation's inbox",
        )
        parser.add_argument("--auth", choices=AuthMode.values, default=AuthMode.AUTO)
        parser.add_argument(
            "--route",
            action="append",
            default=[],
            type=_route,
            metavar="SLUG=USER",
            help="an organisation reached through Primero, and the Primero user it is",
        )

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"No organisation has the slug {options['org']!r}.")
        password = os.environ.get(options["password_env"], "")
        if not password:
            raise CommandError(f"The environment variable {options['password_env']} is empty.")
        routes = {}
        for slug, user_name in options["route"]:
            destination = Organisation.objects.filter(slug=slug).first()
            if destination is None:
                raise CommandError(f"No organisation has the slug {slug!r}.")
            routes[destination] = user_name
        try:
            connection = connection_save(
                organisation=organisation,
                base_url=options["url"],
                username=options["username"],
                password=password,
                recipient=options["recipient"],
                auth_mode=options["auth"],
                routes=routes if options["route"] else None,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"{organisation.name} is connected to {connection.base_url} "
            f"as {connection.username}; nothing was saved before the test call succeeded."
        )
