"""Reminders about court hearings, sent by the follow-up reminders' mechanism (rows in
followup.Reminder, claimed and sent once): the case's worker a week and a day before, and the
supervisors too when nothing has been recorded the morning after. Missing a hearing can
collapse a trial, so a hearing left unrecorded is not allowed to be forgotten.

The topic is "hearing:<pk>:<day>", one row per topic and kind; a moved hearing gets new rows
for its new day, a cancelled or recorded one loses its unsent rows. The text names the case
number and the day, nothing else: an e-mail or a phone's lock screen is no place for the
survivor's name, the court or the charges."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from followup.models import Reminder, ReminderKind
from followup.services import REMINDER_HOUR
from organisations.models import User

from .models import Hearing

HEARING = "hearing"
# Days before the hearing (negative) or after it that each reminder is due, in the morning.
HEARING_REMINDER_DAYS = {
    ReminderKind.UPCOMING: -7,
    ReminderKind.DAY_BEFORE: -1,
    ReminderKind.OVERDUE: 1,
}


def _prefix(hearing: Hearing) -> str:
    return f"{HEARING}:{hearing.pk}:"


def hearing_reminder_times(day: dt.date) -> dict[str, dt.datetime]:
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return {
        kind: dt.datetime.combine(day + dt.timedelta(days=offset), REMINDER_HOUR, tzinfo=zone)
        for kind, offset in HEARING_REMINDER_DAYS.items()
    }


def hearing_reminders(hearing: Hearing, case_id: int) -> None:
    """Write the hearing's reminders for its day; one already past is left out (a reminder of a
    week ahead for a hearing in three days would only be noise). Written again, nothing new:
    the unique (topic, kind) decides."""
    now = timezone.now()
    topic = f"{_prefix(hearing)}{hearing.date}"
    Reminder.objects.bulk_create(
        [
            Reminder(case_id=case_id, topic=topic, kind=kind, due_at=due_at)
            for kind, due_at in hearing_reminder_times(hearing.date).items()
            if due_at > now
        ],
        ignore_conflicts=True,
    )


def hearing_reminders_end(hearing: Hearing) -> None:
    """The hearing was recorded, moved or cancelled: what has not been sent is not sent, and
    an e-mail still waiting for the mail server is withdrawn (followup.models)."""
    Reminder.objects.filter(topic__startswith=_prefix(hearing)).end()


def hearing_reminders_move(hearing: Hearing, case_id: int) -> None:
    hearing_reminders_end(hearing)
    hearing_reminders(hearing, case_id)


def hearing_reminder_text(reminder: Reminder, recipient: User) -> str:
    """The message, in the recipient's language: the case number and the day."""
    day = dt.date.fromisoformat(reminder.topic.rsplit(":", 1)[1])
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        values = {
            "case": reminder.case.case_number,
            "date": formats.date_format(day, "j M Y"),
        }
        if reminder.kind == ReminderKind.OVERDUE:
            return (
                _(
                    "The court hearing of case %(case)s on %(date)s has not been recorded: "
                    "record whether the survivor attended."
                )
                % values
            )
        if reminder.kind == ReminderKind.DAY_BEFORE:
            return _("Case %(case)s has a court hearing tomorrow, %(date)s.") % values
        return _("Case %(case)s has a court hearing in a week, on %(date)s.") % values


def hearing_reminder_url(reminder: Reminder) -> str:
    return reverse("cases:detail", args=[reminder.case_id]) + "#legal"


def is_hearing_reminder(reminder: Reminder) -> bool:
    return reminder.topic.startswith(f"{HEARING}:")
