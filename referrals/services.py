"""Every write to a referral goes through these functions; each runs in one transaction."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cases import timeline
from cases.models import Case, CaseEvent, Consent, ConsentGiver, ConsentPurpose, EventKind, Phase
from cases.selectors import organisation_reads_case
from cases.services import case_access_grant, case_access_revoke
from organisations.models import Organisation, User
from webhooks import emit as webhooks

from .models import OPEN_STATUSES, DataCategory, Referral, Status
from .permissions import (
    can_answer_referral,
    can_cancel_referral,
    can_override_consent,
    can_send_referral,
)
from .selectors import ACTIVE_STATUSES
from .signals import referral_cancelled, referral_consent_withdrawn, referral_sent

# Which status may follow which, and who moves it there (the service checks the who).
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SENT: frozenset({Status.ACCEPTED, Status.DECLINED, Status.CANCELLED}),
    Status.ACCEPTED: frozenset({Status.IN_PROGRESS, Status.COMPLETED, Status.CANCELLED}),
    Status.IN_PROGRESS: frozenset({Status.COMPLETED, Status.CANCELLED}),
    Status.DECLINED: frozenset(),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
}


class DuplicateReferral(ValidationError):
    """The case already has an open referral to this organisation for this service."""

    def __init__(self, existing: Referral | None):
        self.existing = existing
        message = _("This case already has an open referral to this organisation for this service")
        if existing is not None:
            message += " " + _("(sent on %(date)s, %(status)s).") % {
                "date": formats.date_format(timezone.localdate(existing.sent_at)),
                "status": existing.get_status_display(),
            }
        super().__init__({"__all__": [message]}, code="duplicate_referral")


def _open_referral(case: Case, to_organisation: Organisation, service: str) -> Referral | None:
    return Referral.objects.filter(
        case=case, to_organisation=to_organisation, service=service, status__in=OPEN_STATUSES
    ).first()


CATEGORY_FLAGS = {
    DataCategory.IDENTITY: "covers_identity",
    DataCategory.CASE_FACTS: "covers_case_facts",
    DataCategory.HEALTH: "covers_health",
}


def _event(referral: Referral, actor: User | None, key: str, **values) -> CaseEvent:
    """A referral event on the case's timeline, naming the receiving organisation (the
    messages name organisations and the service, never the reasons)."""
    return CaseEvent.objects.create(
        case_id=referral.case_id,
        kind=EventKind.REFERRAL,
        actor=actor,
        organisation_id=referral.to_organisation_id,
        **timeline.message(key, organisation=referral.to_organisation.name, **values),
    )


def _lock(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _check_transition(referral: Referral, to_status: str) -> None:
    if to_status in ALLOWED_TRANSITIONS[referral.status]:
        return
    raise ValidationError(
        _("A referral that is “%(from)s” cannot become “%(to)s”.")
        % {"from": Status(referral.status).label, "to": Status(to_status).label}
    )


def consent_is_active(consent: Consent, today: dt.date) -> bool:
    return (
        consent.purpose == ConsentPurpose.SHARING
        and consent.withdrawn_on is None
        and consent.given_on <= today
        and (consent.expires_on is None or consent.expires_on >= today)
    )


def _consent_lapsed(referral: Referral, today: dt.date) -> bool:
    """The consent the referral relied on was withdrawn or is no longer active: it can no
    longer be accepted, here or in the receiver's own system."""
    return referral.consent_revoked_at is not None or (
        referral.consent is not None and not consent_is_active(referral.consent, today)
    )


def _covers(consent: Consent, organisation: Organisation) -> bool:
    return (
        consent.shared_with_organisation_id == organisation.pk
        or consent.shared_with_kind == organisation.kind
    )


def _missing(consent: Consent, categories: set[str]) -> list[str]:
    return [
        c
        for c in DataCategory.values
        if c in categories and not getattr(consent, CATEGORY_FLAGS[c])
    ]


def _labels(categories: list[str]) -> str:
    labels = [str(DataCategory(c).label) for c in categories]
    if len(labels) < 2:
        return "".join(labels)
    return _("%(list)s and %(last)s") % {"list": ", ".join(labels[:-1]), "last": labels[-1]}


def consent_for_sharing(
    *, case: Case, organisation: Organisation, categories: set[str], today: dt.date
) -> tuple[Consent | None, str]:
    """An active consent covering sharing every category with the organisation, or the message
    saying which consent is missing."""
    candidates = [
        consent
        for consent in Consent.objects.filter(case=case, purpose=ConsentPurpose.SHARING)
        if _covers(consent, organisation)
    ]
    active = [consent for consent in candidates if consent_is_active(consent, today)]
    adult = case.needs_own_consent(today)
    if adult:
        # A parent's or guardian's consent does not cover new sharing once the survivor is 18.
        active = [consent for consent in active if consent.given_by != ConsentGiver.GUARDIAN]
    for consent in active:
        if not _missing(consent, categories):
            return consent, ""
    missing = min((_missing(c, categories) for c in active), key=len, default=None)
    message = _("No active consent covers sharing %(categories)s with %(organisation)s.") % {
        "categories": _labels(missing or [c for c in DataCategory.values if c in categories]),
        "organisation": organisation.name,
    }
    if adult:
        message += " " + _(
            "The survivor turned 18 on %(day)s: a guardian's consent no longer covers new "
            "sharing; ask the survivor herself."
        ) % {"day": formats.date_format(case.adult_on)}
    for consent in candidates:
        outgrown = adult and consent.given_by == ConsentGiver.GUARDIAN
        if consent in active or outgrown or _missing(consent, categories):
            continue
        given = formats.date_format(consent.given_on)
        if consent.withdrawn_on is not None:
            hint = _("The consent given on %(given)s was withdrawn on %(on)s.")
            on = consent.withdrawn_on
        elif consent.given_on > today:
            continue
        else:
            hint = _("The consent given on %(given)s expired on %(on)s.")
            on = consent.expires_on
        message += " " + hint % {"given": given, "on": formats.date_format(on)}
        break
    return None, message


@transaction.atomic
def referral_send(
    *,
    actor: User,
    case: Case,
    to_organisation: Organisation,
    service: str,
    reason: str,
    urgency: str,
    shares_identity: bool = False,
    shares_case_facts: bool = False,
    shares_health: bool = False,
    override_reason: str = "",
) -> Referral:
    if not can_send_referral(actor, case):
        raise PermissionDenied(_("You cannot refer this case."))
    override_reason = override_reason.strip()
    errors = {}
    if to_organisation.pk == case.organisation_id:
        errors["to_organisation"] = _("Refer the case to another organisation.")
    elif not to_organisation.is_active:
        errors["to_organisation"] = _("This organisation is not active.")
    if case.phase == Phase.CLOSED:
        errors["__all__"] = _("A closed case cannot be referred. Reopen it first.")
    if not reason.strip():
        errors["reason"] = _("Say why the survivor needs this service.")
    if not (shares_identity or shares_case_facts or shares_health):
        errors["shares_identity"] = _("Tick at least one kind of data to share.")
    if errors:
        raise ValidationError(errors)
    existing = _open_referral(case, to_organisation, service)
    if existing is not None:
        raise DuplicateReferral(existing)

    referral = Referral(
        case=case,
        from_organisation_id=case.organisation_id,
        to_organisation=to_organisation,
        service=service,
        reason=reason.strip(),
        urgency=urgency,
        shares_identity=shares_identity,
        shares_case_facts=shares_case_facts,
        shares_health=shares_health,
        sent_by=actor,
    )
    consent, missing = consent_for_sharing(
        case=case,
        organisation=to_organisation,
        categories=referral.categories,
        today=timezone.localdate(),
    )
    if consent is None:
        if not override_reason:
            raise ValidationError({"__all__": missing})
        if not can_override_consent(actor, case.organisation_id):
            raise ValidationError(
                {
                    "override_reason": missing
                    + " "
                    + _("Only a supervisor can send a referral without consent.")
                }
            )
        referral.override_reason = override_reason
        referral.overridden_by = actor
    referral.consent = consent
    referral.full_clean(validate_constraints=False)
    try:
        # Two senders at once both pass the check above; the unique index decides.
        with transaction.atomic():
            referral.save()
    except IntegrityError:
        existing = _open_referral(case, to_organisation, service)
        if existing is None:
            raise
        raise DuplicateReferral(existing) from None
    sent = "referral.sent" if consent is not None else "referral.sent_without_consent"
    _event(referral, actor, sent, service=timeline.choice(referral, "service"))
    webhooks.referral_created(referral)
    referral_sent.send(sender=Referral, referral=referral)
    return referral


def _answer(referral: Referral, actor: User, to_status: str) -> Referral:
    if not can_answer_referral(actor, referral):
        raise PermissionDenied(_("Only the receiving organisation answers this referral."))
    referral = _lock(referral)
    _check_transition(referral, to_status)
    return referral


def _end_access(referral: Referral, actor: User | None, today: dt.date) -> bool:
    """End this referral's claim to access; revoke the grant unless the organisation still
    reads the case another way (another referral, a transfer's grace period, its own case).
    The conditional UPDATE makes it once only."""
    now = timezone.now()
    claimed = Referral.objects.filter(pk=referral.pk, access_revoked_at__isnull=True).update(
        access_revoked_at=now, updated_at=now
    )
    if not claimed or organisation_reads_case(referral.to_organisation, referral.case_id, today):
        return False
    case_access_revoke(actor=actor, case=referral.case, organisation=referral.to_organisation)
    return True


@transaction.atomic
def referral_accept(*, actor: User, referral: Referral) -> Referral:
    referral = _answer(referral, actor, Status.ACCEPTED)
    if _consent_lapsed(referral, timezone.localdate()):
        raise ValidationError(
            _(
                "The consent this referral relied on is no longer active. "
                "%(organisation)s must record a new consent and send the referral again."
            )
            % {"organisation": referral.from_organisation.name}
        )
    referral.status = Status.ACCEPTED
    referral.record_answer(actor)
    referral.save(
        update_fields=["status", "answered_at", "answered_by", "answer_days", "updated_at"]
    )
    case_access_grant(actor=actor, case=referral.case, organisation=referral.to_organisation)
    _event(referral, actor, "referral.accepted")
    webhooks.referral_answered(referral)
    return referral


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, reason: str) -> Referral:
    referral = _answer(referral, actor, Status.DECLINED)
    if not reason.strip():
        raise ValidationError({"decline_reason": _("Say why the referral is declined.")})
    referral.status = Status.DECLINED
    referral.decline_reason = reason.strip()
    referral.record_answer(actor)
    referral.save(
        update_fields=[
            "status",
            "decline_reason",
            "answered_at",
            "answered_by",
            "answer_days",
            "updated_at",
        ]
    )
    _event(referral, actor, "referral.declined")
    webhooks.referral_answered(referral)
    return referral


@transaction.atomic
def referral_start(*, actor: User, referral: Referral) -> Referral:
    referral = _answer(referral, actor, Status.IN_PROGRESS)
    referral.status = Status.IN_PROGRESS
    referral.save(update_fields=["status", "updated_at"])
    _event(referral, actor, "referral.started")
    return referral


@transaction.atomic
def referral_complete(*, actor: User, referral: Referral, outcome: str) -> Referral:
    referral = _answer(referral, actor, Status.COMPLETED)
    if not outcome.strip():
        raise ValidationError({"outcome": _("Record the outcome of the service.")})
    today = timezone.localdate()
    _complete(referral, outcome.strip(), today)
    referral.save(
        update_fields=["status", "outcome", "completed_at", "access_ends_on", "updated_at"]
    )
    _event(referral, actor, "referral.completed")
    webhooks.referral_completed(referral)
    if referral.access_ends_on <= today:
        _end_access(referral, actor, today)
    return referral


def _complete(referral: Referral, outcome: str, today: dt.date) -> None:
    """Completed with its outcome; the receiver keeps reading the case for the sending
    organisation's grace period (none: its access ends now, the caller ends it)."""
    referral.status = Status.COMPLETED
    referral.outcome = outcome
    referral.completed_at = timezone.now()
    grace = referral.from_organisation.referral_access_grace_days
    referral.access_ends_on = today + dt.timedelta(days=grace)


@transaction.atomic
def referral_cancel(*, actor: User, referral: Referral) -> Referral:
    if not can_cancel_referral(actor, referral):
        raise PermissionDenied(_("Only the referring organisation cancels a referral."))
    referral = _lock(referral)
    _check_transition(referral, Status.CANCELLED)
    held_access = referral.status in ACTIVE_STATUSES
    referral.status = Status.CANCELLED
    referral.save(update_fields=["status", "updated_at"])
    _event(referral, actor, "referral.cancelled", sender=referral.from_organisation.name)
    if held_access:
        _end_access(referral, actor, timezone.localdate())
    referral_cancelled.send(sender=Referral, referral=referral)
    return referral


@transaction.atomic
def referrals_revoke_for_withdrawn_consent(*, consent: Consent, actor: User | None) -> int:
    """Withdrawn consent ends at once every access the referrals relying on it gave, and flags
    them for the receiver. Returns how many referrals it concerned."""
    today = timezone.localdate()
    concerned = list(
        Referral.objects.select_for_update()
        .filter(consent=consent, consent_revoked_at__isnull=True)
        .exclude(status__in=(Status.DECLINED, Status.CANCELLED))
        .order_by("pk")
    )
    for referral in concerned:
        held_access = referral.access_revoked_at is None and (
            referral.status in ACTIVE_STATUSES
            or (referral.status == Status.COMPLETED and referral.access_ends_on > today)
        )
        Referral.objects.filter(pk=referral.pk).update(consent_revoked_at=timezone.now())
        _event(referral, actor, "referral.consent_withdrawn")
        if held_access:
            _end_access(referral, actor, today)
        referral_consent_withdrawn.send(sender=Referral, referral=referral)
    return len(concerned)


# An answer given in the receiver's own system, read back from it: status → timeline message.
REMOTE_ANSWER_EVENTS = {
    Status.ACCEPTED: "referral.accepted_in_system",
    Status.DECLINED: "referral.declined_in_system",
    Status.COMPLETED: "referral.completed_in_system",
}


def remote_answer_applies(referral: Referral, to_status: str) -> bool:
    """Whether an answer given in the receiver's own system changes the referral here: a move
    the workflow allows, or a referral done there before it was accepted here (accepted
    first). Never once the consent it relied on was withdrawn, even if the answer was given
    there before the withdrawal reached it; an acceptance not once the consent has lapsed,
    as `referral_accept` refuses it."""
    if referral.consent_revoked_at is not None:
        return False
    if referral.status == Status.SENT and to_status in (Status.ACCEPTED, Status.COMPLETED):
        return not _consent_lapsed(referral, timezone.localdate())
    return to_status in ALLOWED_TRANSITIONS[referral.status]


@transaction.atomic
def referral_record_remote_answer(
    *, referral: Referral, to_status: str, system: str, note: str = ""
) -> Referral:
    """The receiver answered in its own system (Primero): the same changes as its answer in
    Homecoming, with no Homecoming actor, and a timeline naming the system. A referral done
    there before it was accepted here is accepted first. The caller asks
    `remote_answer_applies` first."""
    referral = _lock(referral)
    if to_status == Status.COMPLETED and referral.status == Status.SENT:
        referral = referral_record_remote_answer(
            referral=referral, to_status=Status.ACCEPTED, system=system
        )
    _check_transition(referral, to_status)
    today = timezone.localdate()
    referral.status = to_status
    if to_status in (Status.ACCEPTED, Status.DECLINED):
        referral.record_answer(None)
    if to_status == Status.DECLINED:
        referral.decline_reason = note or system
    if to_status == Status.COMPLETED:
        _complete(referral, note or system, today)
    referral.save()
    if to_status == Status.ACCEPTED:
        case_access_grant(actor=None, case=referral.case, organisation=referral.to_organisation)
    _event(referral, None, REMOTE_ANSWER_EVENTS[to_status], system=system)
    if to_status == Status.COMPLETED:
        webhooks.referral_completed(referral)
    else:
        webhooks.referral_answered(referral)
    if to_status == Status.COMPLETED and referral.access_ends_on <= today:
        _end_access(referral, None, today)
    return referral


@transaction.atomic
def referral_access_expire_due(*, today: dt.date | None = None) -> int:
    """End access whose grace period is over, or whose consent has expired. Idempotent: rows
    are claimed by a conditional UPDATE, and a locked row is left to the run that holds it."""
    today = today or timezone.localdate()
    due = (
        Referral.objects.filter(access_revoked_at__isnull=True, consent_revoked_at__isnull=True)
        .filter(
            Q(status=Status.COMPLETED, access_ends_on__lte=today)
            | Q(status__in=ACTIVE_STATUSES, consent__expires_on__lt=today)
        )
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("pk")
    )
    revoked = 0
    for referral in due:
        if _end_access(referral, None, today):
            revoked += 1
            _event(referral, None, "referral.access_ended")
    return revoked
