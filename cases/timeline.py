"""What the timeline says, worded in the reader's language.

An event the system writes keeps a message key and its values (names, dates, labels), not a
sentence: the sentence is worded when the timeline is shown, in the language of whoever reads
it. A Khmer-speaking social worker and an English-speaking partner read the same event in
their own language. A note a person typed (why a case was reopened) is shown as typed.

Values are stored as JSON: text as is, `label(...)` for a translatable label (a choice's, a
field's name), `day(...)` for a date (shown as the reader reads dates), or a list of these
(shown comma-separated).
"""

import datetime as dt
import logging
from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .labels import labels_of
from .templatetags.local_dates import local_date

logger = logging.getLogger(__name__)


def label(value) -> dict:
    """A translatable label (a lazy translation, such as a field's verbose name) kept in its
    source language, translated when shown."""
    with translation.override(None):
        return {"label": str(value)}


def choice(instance, field: str) -> dict:
    """The label of the choice a model's field holds, kept to be translated when shown."""
    labels = labels_of(instance._meta.get_field(field))
    return label(labels[getattr(instance, field)])


def day(value: dt.date) -> dict:
    return {"date": value.isoformat()}


def _shown(value):
    if isinstance(value, list):
        return ", ".join(str(_shown(item)) for item in value)
    if isinstance(value, dict) and "label" in value:
        return _(value["label"])
    if isinstance(value, dict) and "date" in value:
        return local_date(dt.date.fromisoformat(value["date"]))
    return value


def _service(label: str) -> str:
    """A service's name inside a sentence: "legal aid", but "HIV care and treatment"."""
    if len(label) > 1 and label[1].islower():
        return label[0].lower() + label[1:]
    return label


MESSAGES: dict[str, Callable[[dict], str]] = {
    # Cases. The fields changed are named, never their values: the timeline is read more
    # widely than the facts.
    "case.fields_changed": lambda a: a["fields"],
    "case.sensitive_facts_changed": lambda a: _("Sensitive facts"),
    "case.assigned": lambda a: _("to %(worker)s") % a,
    "case.reassigned": lambda a: _("from %(previous)s to %(worker)s") % a,
    "consent": lambda a: a["purpose"],
    # A consent that covers health facts: worded alike, read as health (cases.visibility).
    "consent.health": lambda a: a["purpose"],
    "session": lambda a: a["kind"],
    # Referrals: organisations and the service, never the reasons.
    "referral.sent": lambda a: (
        _("Referred to %(organisation)s for %(service)s") % {**a, "service": _service(a["service"])}
    ),
    "referral.sent_without_consent": lambda a: (
        _("Referred to %(organisation)s for %(service)s without consent (supervisor's override)")
        % {**a, "service": _service(a["service"])}
    ),
    "referral.accepted": lambda a: _("Accepted by %(organisation)s") % a,
    "referral.declined": lambda a: _("Declined by %(organisation)s") % a,
    "referral.started": lambda a: _("Service started by %(organisation)s") % a,
    "referral.completed": lambda a: _("Completed by %(organisation)s") % a,
    "referral.cancelled": lambda a: _("Referral to %(organisation)s cancelled by %(sender)s") % a,
    "referral.consent_withdrawn": lambda a: (
        _("Consent withdrawn: the referral to %(organisation)s no longer shares data") % a
    ),
    # An answer given in the receiver's own system (Primero) and read back from it.
    "referral.accepted_in_system": lambda a: _("Accepted by %(organisation)s in %(system)s") % a,
    "referral.declined_in_system": lambda a: _("Declined by %(organisation)s in %(system)s") % a,
    "referral.completed_in_system": lambda a: _("Completed by %(organisation)s in %(system)s") % a,
    "referral.access_ended": lambda a: _("Access of %(organisation)s ended with the referral") % a,
    # Follow-up visits.
    "visits.planned": lambda a: _("Follow-up planned at %(months)s months") % a,
    "visits.counted_from_return": lambda a: (
        _("Follow-up schedule counted from the return %(days)d days ago") % a
    ),
    "visits.cancelled_for_closed_case": lambda a: (
        ngettext(
            "%(count)d planned visit cancelled: the case was closed.",
            "%(count)d planned visits cancelled: the case was closed.",
            a["count"],
        )
        % a
    ),
    "visit.planned": lambda a: _("Visit planned for %(date)s") % a,
    "visit.moved": lambda a: _("Visit moved from %(old)s to %(new)s: %(reason)s") % a,
    "visit.cancelled": lambda a: _("Visit of %(date)s cancelled: %(reason)s") % a,
    "visit.recorded": lambda a: _("Visit recorded (%(date)s)") % a,
    "visit.missed": lambda a: _("Visit of %(date)s missed") % a,
    "visit.handed_over": lambda a: (
        _("Visit of %(date)s handed over from %(old)s to %(new)s (%(old)s was deactivated)") % a
    ),
    # Reintegration plans and approvals: versions and decisions, never the plan's contents
    # or a comment, which may hold health facts.
    "plan.submitted": lambda a: _("Plan version %(version)s submitted for approval") % a,
    "plan.approved": lambda a: _("Plan version %(version)s approved") % a,
    "plan.returned": lambda a: _("Plan version %(version)s returned for changes") % a,
    "closure.requested": lambda a: _("Closure requested: %(reason)s") % a,
    "closure.returned": lambda a: _("Closure request returned") % a,
    # Transfers of the case to another organisation: who, never the reasons.
    "transfer.requested": lambda a: _("Transfer to %(organisation)s requested") % a,
    "transfer.accepted": lambda a: (
        _("Transferred to %(organisation)s, which now owns the case; assigned to %(worker)s") % a
    ),
    "transfer.declined": lambda a: _("Transfer declined by %(organisation)s") % a,
    "transfer.cancelled": lambda a: _("Transfer to %(organisation)s cancelled") % a,
    "transfer.sender_access_ended": lambda a: (
        _("Access of %(organisation)s ended after the transfer") % a
    ),
    # Legal proceedings: that something happened, never when, where, the charges or notes
    # (legal detail is restricted like health facts, and so are these lines: see
    # cases.visibility.event_category).
    "legal.proceeding_added": lambda a: _("Legal proceeding recorded"),
    "legal.hearing_scheduled": lambda a: _("Hearing scheduled"),
    "legal.hearing_recorded": lambda a: _("Hearing outcome recorded"),
    "legal.hearing_moved": lambda a: _("Hearing moved to another day"),
    "legal.hearing_cancelled": lambda a: _("Hearing cancelled"),
    "legal.protection_added": lambda a: _("Protection measure recorded"),
    "legal.compensation_recorded": lambda a: _("Compensation recorded"),
    # Cross-border returns: which step, never the country, route, dates, people or agency
    # (restricted like legal detail; the timeline is not).
    "return.started": lambda a: _("Cross-border return started"),
    "return.updated": lambda a: _("Cross-border return corrected"),
    "return.step": lambda a: _("Cross-border return: %(step)s") % a,
}


def message(key: str, **values) -> dict:
    """The fields of a CaseEvent for a message: `CaseEvent(..., **message("visit.missed", ...))`."""
    if key not in MESSAGES:
        raise KeyError(f"No timeline message {key!r}.")
    return {"message": key, "message_args": values}


def worded(key: str, values: dict) -> str:
    """The message in the active language. An event whose key or values no longer match a
    message (written by an older version) shows no words rather than break the timeline."""
    render = MESSAGES.get(key)
    try:
        if render is None:
            raise KeyError(key)
        return render({name: _shown(value) for name, value in values.items()})
    except (KeyError, TypeError, ValueError):
        logger.warning("Timeline message %r cannot be worded with %r.", key, sorted(values))
        return ""
