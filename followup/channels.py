"""Ways a reminder reaches people. A channel's `send` runs inside the transaction that marks the
reminder sent and must tolerate being called again for the same reminder (a batch that dies
before it commits is repeated): the in-app channel writes its unique notification rows, the
e-mail channel records one pending delivery per recipient (unique too), which followup.mail
then sends outside any batch, one claim at a time.

Add SMS or a messaging app by writing a class with `name` and `send(reminder, recipients)` and
listing its dotted path in the FOLLOWUP_REMINDER_CHANNELS setting."""

from collections.abc import Sequence
from typing import Protocol

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from organisations.models import User

from . import mail
from .models import EmailDelivery, Notification, Reminder, ReminderKind

DEFAULT_CHANNELS = (
    "followup.channels.InAppChannel",
    "followup.channels.EmailChannel",
)
REMINDER_HEADER = mail.REMINDER_HEADER


class Channel(Protocol):
    name: str

    def send(self, reminder: Reminder, recipients: Sequence[User]) -> None: ...


def configured_channels() -> list[Channel]:
    paths = getattr(settings, "FOLLOWUP_REMINDER_CHANNELS", DEFAULT_CHANNELS)
    return [import_string(path)() for path in paths]


def reminder_text(reminder: Reminder, recipient: User) -> str:
    """The message, in the recipient's language. Names only the case number: e-mail and phone
    screens are not the place for a survivor's name."""
    if not reminder.visit_id:
        from legal.reminders import hearing_reminder_text, is_hearing_reminder
        from plans.reminders import plan_reminder_text

        if is_hearing_reminder(reminder):
            return hearing_reminder_text(reminder, recipient)
        return plan_reminder_text(reminder, recipient)
    visit = reminder.visit
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        values = {
            "case": visit.case.case_number,
            "date": formats.date_format(visit.scheduled_for, "j M Y"),
        }
        if reminder.kind == ReminderKind.UPCOMING:
            return _("Follow-up visit for case %(case)s is coming up on %(date)s.") % values
        if reminder.kind == ReminderKind.DUE:
            return _("Follow-up visit for case %(case)s is due today (%(date)s).") % values
        return _("Follow-up visit for case %(case)s was due on %(date)s and is overdue.") % values


def reminder_url(reminder: Reminder) -> str:
    if not reminder.visit_id:
        from legal.reminders import hearing_reminder_url, is_hearing_reminder

        if is_hearing_reminder(reminder):
            return hearing_reminder_url(reminder)
        return reverse("plans:plan", args=[reminder.case_id])
    return reverse("followup:visit", args=[reminder.visit_id])


class InAppChannel:
    name = "in-app"

    def send(self, reminder: Reminder, recipients: Sequence[User]) -> None:
        url = reminder_url(reminder)
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient=user,
                    reminder=reminder,
                    text=reminder_text(reminder, user),
                    url=url,
                )
                for user in recipients
            ],
            ignore_conflicts=True,
        )


class EmailChannel:
    """Records the e-mails to send; followup.mail.email_deliveries_send sends them through
    Django's e-mail backend (the console by default)."""

    name = "e-mail"

    def send(self, reminder: Reminder, recipients: Sequence[User]) -> None:
        EmailDelivery.objects.bulk_create(
            [
                EmailDelivery(
                    reminder=reminder,
                    recipient=user,
                    address=user.email,
                    next_attempt_at=reminder.due_at,
                )
                for user in recipients
                if user.email
            ],
            ignore_conflicts=True,
        )
