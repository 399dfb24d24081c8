"""Run in a subprocess against a fault test's private database: migrate it (`migrate`), or
add visits with reminders due (`seed N [--due-in SECONDS] [--tag T]`) and print, as JSON, the
(reminder id, address) pairs that must each get one e-mail and the (reminder id, user id) pairs
that must each get one notification."""

import argparse
import datetime as dt
import json
import sys

import django


def main(argv: list[str]) -> None:
    django.setup()
    from django.core.management import call_command

    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["migrate", "seed"])
    parser.add_argument("visits", type=int, nargs="?", default=0)
    parser.add_argument("--due-in", type=float, default=-300)
    parser.add_argument("--tag", default="a")
    parser.add_argument("--overdue-every", type=int, default=5)
    args = parser.parse_args(argv)
    if args.action == "migrate":
        call_command("migrate", verbosity=0)
        return
    print(json.dumps(seed(args.visits, args.due_in, args.tag, args.overdue_every)))


def seed(visits: int, due_in: float, tag: str, overdue_every: int) -> dict:
    from django.utils import timezone

    from followup.models import FollowUpVisit, Reminder, ReminderKind
    from organisations.models import Organisation, Role, User
    from tests.cases.factories import CaseFactory
    from tests.organisations.factories import OrganisationFactory, UserFactory

    organisation = Organisation.objects.filter(short_name="FAULT").first()
    if organisation is None:
        organisation = OrganisationFactory(short_name="FAULT")
        UserFactory(username="worker", organisation=organisation, email="worker@example.org")
        UserFactory(
            username="supervisor",
            organisation=organisation,
            role=Role.SUPERVISOR,
            email="supervisor@example.org",
        )
    worker = User.objects.get(username="worker")
    supervisor = User.objects.get(username="supervisor")
    case = CaseFactory(actor=worker)
    today = timezone.localdate()
    created = FollowUpVisit.objects.bulk_create(
        FollowUpVisit(case=case, scheduled_for=today, assigned_worker=worker) for _ in range(visits)
    )
    due_at = timezone.now() + dt.timedelta(seconds=due_in)
    reminders = Reminder.objects.bulk_create(
        Reminder(
            visit=visit,
            kind=ReminderKind.OVERDUE if i % overdue_every == 0 else ReminderKind.DUE,
            due_at=due_at,
        )
        for i, visit in enumerate(created)
    )
    notifications, emails = [], []
    for reminder in reminders:
        people = [worker] + ([supervisor] if reminder.kind == ReminderKind.OVERDUE else [])
        for person in people:
            notifications.append([reminder.pk, person.pk])
            emails.append([reminder.pk, person.email])
    return {"notifications": notifications, "emails": emails}


if __name__ == "__main__":
    main(sys.argv[1:])
