"""Fill a demo or training database with invented organisations, logins, survivors' cases and
the referrals between the organisations.

Every person, name and fact here is invented. Cases are written through the case services, as a
social worker would enter them, so case numbers, consents and timelines are the real thing; so
are referrals, sent and answered through the referral services on the consents they need.
"""

import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.data import demo_users
from demo.writing import SeedReport, seed
from organisations.models import Organisation, Role
from referrals.models import Status


class Command(BaseCommand):
    help = (
        "Create invented demo organisations, logins, about 200 survivors' cases and the "
        "referrals between the organisations. "
        "Safe to run again: what exists already is left alone."
    )

    def handle(self, *args, **options):
        if not getattr(settings, "ALLOW_DEMO_DATA", False):
            raise CommandError(
                "Demo data is not allowed with these settings (ALLOW_DEMO_DATA is false): "
                "every demo login shares one published password."
            )
        started = time.monotonic()
        try:
            with transaction.atomic():
                report = seed()
        except ValidationError as error:
            raise CommandError(f"Seeding stopped and nothing was saved: {error}") from error
        self.report(report, time.monotonic() - started)
        self.logins_table()

    def report(self, report: SeedReport, seconds: float) -> None:
        total = sum(report.cases.values())
        referrals = sum(report.referrals.values())
        self.stdout.write(
            f"Created {report.organisations} organisations, {report.users} users, "
            f"{total} cases and {referrals} referrals in {seconds:.1f} s."
        )
        for slug, count in sorted(report.cases.items()):
            self.stdout.write(f"  {slug}: {count} cases")
        if referrals:
            statuses = ", ".join(
                f"{report.referrals[status]} {str(label).lower()}"
                for status, label in Status.choices
                if report.referrals[status]
            )
            self.stdout.write(f"  referrals: {statuses}")
        if not (report.organisations or report.users or total or referrals):
            self.stdout.write("The demo data was already there; nothing new was created.")

    def logins_table(self) -> None:
        names = dict(Organisation.objects.values_list("slug", "short_name"))
        rows = [("username", "role", "organisation")]
        rows += [
            (spec.username, Role(spec.role).label, names.get(spec.organisation, "?"))
            for spec in demo_users()
        ]
        widths = [max(len(str(row[i])) for row in rows) for i in range(3)]
        self.stdout.write("")
        for row in rows:
            self.stdout.write(
                "  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
        self.stdout.write(f"\nPassword for every demo login: {settings.DEMO_PASSWORD}")
