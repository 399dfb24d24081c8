from django.core.management.base import BaseCommand, CommandError

from organisations.models import User
from organisations.services import sign_in_link_path, user_reset_sign_in


class Command(BaseCommand):
    help = (
        "Reset a person's sign-in (password, authenticator, sessions) and print their new "
        "one-time link: for an organisation whose only administrator cannot sign in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--base-url", default="", help="The site's address, e.g. https://homecoming.example.org"
        )

    def handle(self, *args, username, base_url, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No person has the username {username!r}.") from None
        user_reset_sign_in(actor=None, user=user)
        self.stdout.write(base_url.rstrip("/") + sign_in_link_path(user=user))
