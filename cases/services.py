"""Every write to a case goes through these functions; each runs in one transaction."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisations.models import Commune, Organisation, Province, User, Village
from webforms.versions import check_version
from webhooks import emit as webhooks

from . import timeline
from .countries import CAMBODIA
from .models import (
    ALLOWED_TRANSITIONS,
    Case,
    CaseEvent,
    CaseExploitation,
    CaseNumberSequence,
    CaseSensitiveFacts,
    Consent,
    ConsentGiver,
    ConsentPurpose,
    CounsellingSession,
    EventKind,
    ExploitationForm,
    Language,
    Movement,
    Phase,
)
from .permissions import (
    active_membership,
    can_assign_case,
    can_be_assigned_case,
    can_close_case,
    can_edit_case,
    can_register_cases,
    is_assigned_what_they_register,
)

ADULT_AGE = 18
OLDEST_PLAUSIBLE_AGE = 100


def age_on(*, born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _event(case: Case, kind: str, actor: User | None, **fields) -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, actor=actor, **fields)


def _consent_event(consent: Consent, kind: str, actor: User) -> CaseEvent:
    """A timeline line about a consent, read as the consent is read (cases.selectors
    `consents_for_case`): it names the organisation the consent shares with, so that a line
    about one the case went to for a health service is health (`visibility.event_category`),
    and one about a consent that covers health facts is worded as health."""
    key = "consent.health" if consent.covers_health else "consent"
    return _event(
        consent.case,
        kind,
        actor,
        organisation=consent.shared_with_organisation,
        **timeline.message(key, purpose=timeline.choice(consent, "purpose")),
    )


def _next_case_number(organisation: Organisation, year: int) -> str:
    sequence, _created = CaseNumberSequence.objects.select_for_update().get_or_create(
        organisation=organisation, year=year
    )
    CaseNumberSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + 1)
    sequence.refresh_from_db(fields=["last_value"])
    return f"{organisation.short_name}-{year}-{sequence.last_value:04d}"


@dataclass(frozen=True)
class Origin:
    commune: Commune | None
    village: Village | None

    @property
    def province_id(self) -> str | None:
        if self.village is not None:
            return self.village.district.province_id
        if self.commune is not None:
            return self.commune.district.province_id
        return None


def origin_errors(
    *, commune: Commune | None, village: Village | None, nationality: str | None
) -> dict[str, str]:
    """The rule of the place of origin, for the service and the forms alike: a Cambodian
    has one; a foreign national may have none in Cambodia."""
    if commune is None and village is None:
        if nationality and nationality != CAMBODIA:
            return {}
        return {"origin_commune": _("Give the village or commune of origin.")}
    if village is not None and commune is not None and village.commune_code != commune.code:
        return {"origin_village": _("This village is not in the commune chosen.")}
    return {}


def _validate_origin(
    commune: Commune | None, village: Village | None, *, nationality: str
) -> Origin:
    errors = origin_errors(commune=commune, village=village, nationality=nationality)
    if errors:
        raise ValidationError(errors)
    if village is not None and commune is None:
        commune = village.commune
    return Origin(commune=commune, village=village)


def identity_errors(
    *,
    date_of_birth: dt.date | None,
    intake_date: dt.date | None,
    movement: str | None,
    destination_country: str | None,
) -> dict[str, str]:
    """The rules on a case's dates and destination, by field. A value not given (a form whose
    field is still empty) is not judged, so a form shows these with its other errors at once."""
    today = timezone.localdate()
    errors = {}
    if date_of_birth is not None:
        if date_of_birth > today:
            errors["date_of_birth"] = _("The date of birth is in the future.")
        elif age_on(born=date_of_birth, on=today) > OLDEST_PLAUSIBLE_AGE:
            errors["date_of_birth"] = _("The date of birth is more than 100 years ago.")
        elif intake_date is not None and date_of_birth > intake_date:
            errors["date_of_birth"] = _("The date of birth is after the intake date.")
    if intake_date is not None and intake_date > today:
        errors["intake_date"] = _("The intake date is in the future.")
    if movement == Movement.CROSS_BORDER and not destination_country:
        errors["destination_country"] = _("Give the destination country of a cross-border case.")
    if movement == Movement.INTERNAL and destination_country:
        errors["destination_country"] = _("An internal case has no destination country.")
    return errors


def _validate_identity(
    *, date_of_birth: dt.date, intake_date: dt.date, movement: str, destination_country: str
) -> None:
    errors = identity_errors(
        date_of_birth=date_of_birth,
        intake_date=intake_date,
        movement=movement,
        destination_country=destination_country,
    )
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class Exploitation:
    """One form of exploitation as a form or the API gives it: where and when, if known."""

    form: str
    country: str = ""
    province: Province | None = None
    started_on: dt.date | None = None
    ended_on: dt.date | None = None

    def placed(self) -> "Exploitation":
        """A province is in Cambodia: the country follows from it."""
        if self.province is not None and not self.country:
            return Exploitation(self.form, CAMBODIA, self.province, self.started_on, self.ended_on)
        return self

    def as_tuple(self) -> tuple:
        province = self.province.pk if self.province is not None else None
        return (self.form, self.country, province, self.started_on, self.ended_on)


def exploitation_errors(exploitations: Sequence[Exploitation]) -> str | None:
    """What is wrong with a case's forms of exploitation, in one message, or None."""
    if not exploitations:
        return _("Give at least one form of exploitation.")
    forms = [item.form for item in exploitations]
    if any(form not in ExploitationForm.values for form in forms):
        return _("Unknown form of exploitation.")
    if len(set(forms)) != len(forms):
        return _("Give each form of exploitation once.")
    today = timezone.localdate()
    for item in exploitations:
        if item.province is not None and item.country not in ("", CAMBODIA):
            return _("A province is given only for a place in Cambodia.")
        if item.started_on and item.ended_on and item.ended_on < item.started_on:
            return _("A form of exploitation ends before it starts.")
        if any(day and day > today for day in (item.started_on, item.ended_on)):
            return _("The dates of the exploitation are in the future.")
    return None


def _validate_exploitations(exploitations: Sequence[Exploitation]) -> list[Exploitation]:
    error = exploitation_errors(exploitations)
    if error:
        raise ValidationError({"exploitations": error})
    return [item.placed() for item in exploitations]


def _validate_languages(languages: Sequence[str]) -> list[str]:
    if any(code not in Language.values for code in languages):
        raise ValidationError({"languages": _("Unknown language.")})
    return list(dict.fromkeys(languages))


def _save_exploitations(case: Case, exploitations: Sequence[Exploitation]) -> None:
    """Row by row, so that the change history (audit.registry) records each; a form kept
    keeps its row. The rules were checked by `exploitation_errors`; the database holds them
    too (one row per form, a province only in Cambodia)."""
    existing = {row.form: row for row in case.exploitations.all()}
    wanted = {item.form for item in exploitations}
    for form, row in existing.items():
        if form not in wanted:
            row.delete()
    for item in exploitations:
        row = existing.get(item.form) or CaseExploitation(case=case, form=item.form)
        row.country, row.province = item.country, item.province
        row.started_on, row.ended_on = item.started_on, item.ended_on
        row.full_clean(exclude=["case"], validate_unique=False, validate_constraints=False)
        row.save()


def exploitations_of(case: Case) -> list[Exploitation]:
    return [
        Exploitation(row.form, row.country.code or "", row.province, row.started_on, row.ended_on)
        for row in case.exploitations.all()
    ]


def _validate_worker(organisation: Organisation, worker: User | None) -> None:
    if worker is None:
        return
    membership = active_membership(worker)
    if membership is None or membership.organisation_id != organisation.pk:
        raise ValidationError(
            {"assigned_worker": _("The assigned worker must belong to this organisation.")}
        )
    if not can_be_assigned_case(worker, organisation):
        raise ValidationError(
            {"assigned_worker": _("Cases are assigned to social workers or supervisors.")}
        )


@transaction.atomic
def case_create(
    *,
    actor: User,
    name_latin: str,
    sex: str,
    date_of_birth: dt.date,
    exploitations: Sequence[Exploitation],
    movement: str,
    how_identified: str,
    intake_date: dt.date,
    origin_commune: Commune | None = None,
    origin_village: Village | None = None,
    name_khmer: str = "",
    nationality: str = CAMBODIA,
    languages: Sequence[str] = (),
    interpreter_needed: bool = False,
    date_of_birth_estimated: bool = False,
    family_contact: str = "",
    destination_country: str = "",
    risk_level: str = "medium",
    phase: str = Phase.IDENTIFICATION,
    assigned_worker: User | None = None,
    hiv_status: str = "unknown",
    health_notes: str = "",
    legal_details: str = "",
) -> Case:
    if not can_register_cases(actor):
        raise PermissionDenied(_("Your role does not register cases."))
    organisation = actor.membership.organisation
    if phase not in (Phase.IDENTIFICATION, Phase.INTAKE):
        raise ValidationError({"phase": _("A new case starts at identification or intake.")})
    _validate_identity(
        date_of_birth=date_of_birth,
        intake_date=intake_date,
        movement=movement,
        destination_country=destination_country,
    )
    origin = _validate_origin(origin_commune, origin_village, nationality=nationality)
    exploitations = _validate_exploitations(exploitations)
    languages = _validate_languages(languages)
    if assigned_worker is None and is_assigned_what_they_register(actor):
        assigned_worker = actor
    _validate_worker(organisation, assigned_worker)

    case = Case(
        case_number=_next_case_number(organisation, timezone.localdate().year),
        organisation=organisation,
        assigned_worker=assigned_worker,
        phase=phase,
        name_latin=name_latin.strip(),
        name_khmer=name_khmer.strip(),
        nationality=nationality,
        languages=languages,
        interpreter_needed=interpreter_needed,
        sex=sex,
        date_of_birth=date_of_birth,
        date_of_birth_estimated=date_of_birth_estimated,
        minor_at_intake=age_on(born=date_of_birth, on=intake_date) < ADULT_AGE,
        origin_province_id=origin.province_id,
        origin_commune=origin.commune,
        origin_village=origin.village,
        family_contact=family_contact,
        movement=movement,
        destination_country=destination_country,
        how_identified=how_identified,
        intake_date=intake_date,
        risk_level=risk_level,
        created_by=actor,
    )
    case.full_clean(exclude=["case_number"])
    case.save()
    facts = CaseSensitiveFacts(
        case=case, hiv_status=hiv_status, health_notes=health_notes, legal_details=legal_details
    )
    facts.full_clean()
    facts.save()
    _save_exploitations(case, exploitations)
    _event(case, EventKind.CREATED, actor, to_phase=phase)
    return case


# Fields a case edit may change, in the order forms show them; phase, organisation and
# number have their own services.
EDITABLE_FIELDS = (
    "name_latin",
    "name_khmer",
    "nationality",
    "languages",
    "interpreter_needed",
    "sex",
    "date_of_birth",
    "date_of_birth_estimated",
    "origin_commune",
    "origin_village",
    "family_contact",
    "movement",
    "destination_country",
    "how_identified",
    "intake_date",
    "risk_level",
)


@transaction.atomic
def case_update(
    *,
    actor: User,
    case: Case,
    version: str | None = None,
    exploitations: Sequence[Exploitation] | None = None,
    **changes,
) -> Case:
    """`version` is the edit form's (see webforms.versions): a case changed since the form
    was opened is refused, never silently overwritten. `exploitations`, when given, replaces
    the case's forms of exploitation."""
    if not can_edit_case(actor, case):
        raise PermissionDenied(_("You cannot edit this case."))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be edited here: %s") % ", ".join(sorted(unknown))
        )
    case = Case.objects.select_for_update().get(pk=case.pk)
    check_version(case, version, EDITABLE_FIELDS)
    if "languages" in changes:
        changes["languages"] = _validate_languages(changes["languages"])
    changed = [name for name, value in changes.items() if getattr(case, name) != value]
    labels = []
    if exploitations is not None:
        exploitations = _validate_exploitations(exploitations)
        before = [item.as_tuple() for item in exploitations_of(case)]
        if [item.as_tuple() for item in exploitations] != before:
            _save_exploitations(case, exploitations)
            labels.append(timeline.label(CaseExploitation._meta.verbose_name_plural))
    if not changed and not labels:
        return case
    if "nationality" in changed:
        from returns.services import nationality_check

        nationality_check(actor=actor, case=case, nationality=changes["nationality"])
    for name in changed:
        setattr(case, name, changes[name])
    _validate_identity(
        date_of_birth=case.date_of_birth,
        intake_date=case.intake_date,
        movement=case.movement,
        destination_country=case.destination_country,
    )
    origin = _validate_origin(
        case.origin_commune, case.origin_village, nationality=case.nationality
    )
    case.origin_commune, case.origin_village = origin.commune, origin.village
    case.origin_province_id = origin.province_id
    case.minor_at_intake = age_on(born=case.date_of_birth, on=case.intake_date) < ADULT_AGE
    case.full_clean()
    case.save()
    # The timeline names the fields, never their values: it is read more widely than the facts.
    labels += [timeline.label(Case._meta.get_field(name).verbose_name) for name in sorted(changed)]
    _event(case, EventKind.UPDATED, actor, **timeline.message("case.fields_changed", fields=labels))
    return case


SENSITIVE_FACT_FIELDS = ("hiv_status", "health_notes", "legal_details")


@transaction.atomic
def case_sensitive_facts_update(
    *,
    actor: User,
    case: Case,
    hiv_status: str,
    health_notes: str,
    legal_details: str,
    version: str | None = None,
) -> CaseSensitiveFacts:
    from .permissions import can_view_sensitive_facts

    # Seeing health facts through a referral never makes them editable.
    if not (can_edit_case(actor, case) and can_view_sensitive_facts(actor, case)):
        raise PermissionDenied(_("You cannot edit this case's sensitive facts."))
    facts, _created = CaseSensitiveFacts.objects.select_for_update().get_or_create(case=case)
    check_version(facts, version, SENSITIVE_FACT_FIELDS)
    facts.hiv_status, facts.health_notes, facts.legal_details = (
        hiv_status,
        health_notes,
        legal_details,
    )
    facts.full_clean()
    facts.save()
    _event(case, EventKind.UPDATED, actor, **timeline.message("case.sensitive_facts_changed"))
    return facts


CLOSE_BY_REQUEST = gettext_lazy(
    "A case is closed only when a supervisor approves a request to close it: "
    "ask to close the case instead."
)


@transaction.atomic
def case_change_phase(*, actor: User, case: Case, to_phase: str, note: str = "") -> Case:
    """Move a case along the survivor's path, as a person chooses on the case page or through
    the API. Closing is not such a move: a case closes when a supervisor approves a closure
    request (`case_close`), so that nobody closes a case on their own say-so."""
    if not can_edit_case(actor, case):
        raise PermissionDenied(_("You cannot change this case."))
    if to_phase == Phase.CLOSED:
        raise ValidationError({"to_phase": CLOSE_BY_REQUEST})
    return _phase_move(actor=actor, case=case, to_phase=to_phase, note=note)


@transaction.atomic
def case_close(*, actor: User, approval) -> Case:
    """Close the case of an approved closure request, with the request's reason: the only way a
    case reaches "closed". Called when a supervisor approves the request
    (plans.services.approval_approve); the demo seeding writes its closed cases through the
    same request and approval. Cases are never closed by the system: retention anonymises
    cases already closed, and a closed case's visits are cancelled here, as a consequence."""
    # Function-level import: plans depends on cases, not the other way round.
    from plans.models import ApprovalKind, ApprovalStatus

    if approval.kind != ApprovalKind.CLOSURE or approval.status != ApprovalStatus.APPROVED:
        raise ValidationError({"to_phase": CLOSE_BY_REQUEST})
    case = approval.case
    if not (can_edit_case(actor, case) and can_close_case(actor, case)):
        raise PermissionDenied(_("Only a supervisor can close a case."))
    return _phase_move(
        actor=actor, case=case, to_phase=Phase.CLOSED, closure_reason=approval.closure_reason
    )


def _phase_move(
    *, actor: User, case: Case, to_phase: str, closure_reason: str = "", note: str = ""
) -> Case:
    """The move itself, once the caller has decided it may happen: the survivor's path, what
    each phase needs, the timeline, and what the move causes."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    from_phase = case.phase
    if to_phase not in Phase.values:
        raise ValidationError({"to_phase": _("Unknown phase.")})
    if to_phase not in ALLOWED_TRANSITIONS[from_phase]:
        allowed = ", ".join(str(Phase(p).label) for p in sorted(ALLOWED_TRANSITIONS[from_phase]))
        raise ValidationError(
            {
                "to_phase": _("A case in “%(from)s” cannot move to “%(to)s”. Allowed: %(allowed)s.")
                % {"from": Phase(from_phase).label, "to": Phase(to_phase).label, "allowed": allowed}
            }
        )
    if to_phase == Phase.REINTEGRATED:
        # Function-level import: plans depends on cases, not the other way round.
        from plans.selectors import has_approved_plan

        if not has_approved_plan(case):
            raise ValidationError(
                {"to_phase": _("A case moves to “reintegrated” only with an approved plan.")}
            )
    if to_phase == Phase.CLOSED:
        if not closure_reason:
            raise ValidationError({"closure_reason": _("Give the reason for closing the case.")})
        # Function-level import: returns depends on cases, not the other way round.
        from returns.services import closure_reason_check

        closure_reason_check(case=case, reason=closure_reason)
        case.closure_reason = closure_reason
        case.closed_on = timezone.localdate()
    else:
        if from_phase == Phase.CLOSED and not note.strip():
            raise ValidationError({"note": _("Say why the case is reopened.")})
        case.closure_reason = ""
        case.closed_on = None
    case.phase = to_phase
    case.full_clean()
    case.save(update_fields=["phase", "closure_reason", "closed_on", "updated_at"])
    _event(
        case, EventKind.PHASE_CHANGED, actor, from_phase=from_phase, to_phase=to_phase, note=note
    )
    # What the move causes, in the same transaction: a reintegrated survivor gets the
    # organisation's follow-up plan; a closed case needs no more visits.
    # (Function-level import: follow-up depends on cases, not the other way round.)
    from followup.services import followup_cancel_for_closed_case, followup_schedule_create

    if to_phase == Phase.REINTEGRATED:
        followup_schedule_create(actor=actor, case=case)
    elif to_phase == Phase.CLOSED:
        followup_cancel_for_closed_case(actor=actor, case=case)
    return case


@transaction.atomic
def case_assign(*, actor: User, case: Case, worker: User) -> Case:
    if not can_assign_case(actor, case):
        raise PermissionDenied(_("Only a supervisor assigns cases."))
    _validate_worker(case.organisation, worker)
    previous = case.assigned_worker
    if previous is not None and previous.pk == worker.pk:
        return case
    case.assigned_worker = worker
    case.save(update_fields=["assigned_worker", "updated_at"])
    name = worker.get_full_name() or worker.username
    if previous is None:
        message = timeline.message("case.assigned", worker=name)
    else:
        was = previous.get_full_name() or previous.username
        message = timeline.message("case.reassigned", previous=was, worker=name)
    _event(case, EventKind.ASSIGNED, actor, **message)
    # Function-level import: follow-up depends on cases, not the other way round.
    from followup.services import notification_case_assigned

    notification_case_assigned(case=case, worker=worker, actor=actor)
    return case


@transaction.atomic
def consent_record(
    *,
    actor: User,
    case: Case,
    given_by: str,
    purpose: str,
    given_on: dt.date,
    covers_identity: bool = False,
    covers_case_facts: bool = False,
    covers_health: bool = False,
    shared_with_organisation: Organisation | None = None,
    shared_with_kind: str = "",
    expires_on: dt.date | None = None,
    guardian_name: str = "",
    guardian_relationship: str = "",
    child_assent: bool | None = None,
) -> Consent:
    if not can_edit_case(actor, case):
        raise PermissionDenied(_("You cannot record consent on this case."))
    errors = {}
    if given_on > timezone.localdate():
        errors["given_on"] = _("Consent cannot be dated in the future.")
    if expires_on is not None and expires_on <= given_on:
        errors["expires_on"] = _("The expiry date must be after the date consent was given.")
    if not (covers_identity or covers_case_facts or covers_health):
        errors["covers_identity"] = _("Tick at least one kind of data the consent covers.")
    if case.minor_at_intake and age_on(born=case.date_of_birth, on=given_on) < ADULT_AGE:
        if given_by != ConsentGiver.GUARDIAN:
            errors["given_by"] = _("For a child, a parent or guardian gives consent.")
        if child_assent is None:
            errors["child_assent"] = _("Record whether the child assented.")
    if given_by == ConsentGiver.GUARDIAN and not guardian_name.strip():
        errors["guardian_name"] = _("Give the guardian's name.")
    if purpose == ConsentPurpose.SHARING:
        if (shared_with_organisation is None) == (not shared_with_kind):
            errors["shared_with_organisation"] = _(
                "Name either one organisation or one kind of organisation to share with."
            )
    elif shared_with_organisation is not None or shared_with_kind:
        errors["purpose"] = _("Only consent to sharing names an organisation to share with.")
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        case=case,
        given_by=given_by,
        guardian_name=guardian_name.strip(),
        guardian_relationship=guardian_relationship.strip(),
        child_assent=child_assent,
        purpose=purpose,
        shared_with_organisation=shared_with_organisation,
        shared_with_kind=shared_with_kind,
        covers_identity=covers_identity,
        covers_case_facts=covers_case_facts,
        covers_health=covers_health,
        given_on=given_on,
        expires_on=expires_on,
        recorded_by=actor,
    )
    consent.full_clean()
    consent.save()
    _consent_event(consent, EventKind.CONSENT_RECORDED, actor)
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor: User, consent: Consent, on: dt.date | None = None, reason: str = ""
) -> Consent:
    if not can_edit_case(actor, consent.case):
        raise PermissionDenied(_("You cannot change consent on this case."))
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValidationError(_("This consent was already withdrawn."))
    consent.withdrawn_on = on or timezone.localdate()
    if consent.withdrawn_on < consent.given_on:
        raise ValidationError(
            {"withdrawn_on": _("Consent cannot be withdrawn before it was given.")}
        )
    if consent.withdrawn_on > timezone.localdate():
        raise ValidationError({"withdrawn_on": _("Consent cannot be withdrawn in the future.")})
    consent.withdrawal_reason = reason.strip()
    consent.save(update_fields=["withdrawn_on", "withdrawal_reason", "updated_at"])
    _consent_event(consent, EventKind.CONSENT_WITHDRAWN, actor)
    webhooks.consent_withdrawn(consent)
    # Withdrawn consent ends at once the access of every referral that relied on it.
    from referrals.services import referrals_revoke_for_withdrawn_consent

    referrals_revoke_for_withdrawn_consent(consent=consent, actor=actor)
    return consent


@transaction.atomic
def counselling_session_log(
    *,
    actor: User,
    case: Case,
    session_date: dt.date,
    kind: str,
    setting: str,
    duration_minutes: int,
    phase: str = "",
    topics: str = "",
    confidential_notes: str = "",
    next_session_date: dt.date | None = None,
    counsellor: User | None = None,
) -> CounsellingSession:
    if not can_edit_case(actor, case):
        raise PermissionDenied(_("You cannot log a session on this case."))
    errors = {}
    if session_date > timezone.localdate():
        errors["session_date"] = _("The session date is in the future.")
    if session_date < case.intake_date - dt.timedelta(days=1):
        errors["session_date"] = _("The session date is before the case's intake.")
    if next_session_date is not None and next_session_date <= session_date:
        errors["next_session_date"] = _("The next session must come after this one.")
    if errors:
        raise ValidationError(errors)
    counsellor = counsellor or actor
    _validate_same_organisation(case, counsellor)
    if not phase:
        phase = (
            "after_reintegration"
            if case.phase in (Phase.REINTEGRATED, Phase.CLOSED)
            else "before_reintegration"
        )
    session = CounsellingSession(
        case=case,
        session_date=session_date,
        counsellor=counsellor,
        kind=kind,
        setting=setting,
        phase=phase,
        topics=topics,
        duration_minutes=duration_minutes,
        confidential_notes=confidential_notes,
        next_session_date=next_session_date,
    )
    session.full_clean()
    session.save()
    case_last_contact_refresh(case_ids=[case.pk])
    kind = timeline.choice(session, "kind")
    _event(case, EventKind.SESSION_LOGGED, actor, **timeline.message("session", kind=kind))
    return session


def _validate_same_organisation(case: Case, user: User) -> None:
    membership = active_membership(user)
    if membership is None or membership.organisation_id != case.organisation_id:
        raise ValidationError({"counsellor": _("The counsellor must belong to this organisation.")})


@transaction.atomic
def case_access_grant(*, actor: User | None, case: Case, organisation: Organisation) -> None:
    """Record on the timeline that another organisation now sees the case. The access itself
    is the referral holding it (referrals.selectors.holding_access), changed in the same
    transaction by the referral service that calls this."""
    if organisation.pk == case.organisation_id:
        raise ValidationError(_("A case is always visible to its own organisation."))
    if not organisation.is_active:
        raise ValidationError(_("This organisation is not active."))
    _event(case, EventKind.ACCESS_GRANTED, actor, organisation=organisation)
    webhooks.case_shared(case, organisation)


@transaction.atomic
def case_access_revoke(*, actor: User | None, case: Case, organisation: Organisation) -> None:
    """Record on the timeline that another organisation no longer sees the case. Nothing for
    the case's own organisation (one a case was transferred to may have held a referral of it
    too): it always sees its case."""
    if organisation.pk == case.organisation_id:
        return
    _event(case, EventKind.ACCESS_REVOKED, actor, organisation=organisation)
    webhooks.case_unshared(case, organisation)


@transaction.atomic
def case_intake(*, actor: User, consent: dict, **case_fields) -> Case:
    """Register a survivor with the consent they gave: both are saved, or neither."""
    case = case_create(actor=actor, **case_fields)
    consent_record(actor=actor, case=case, **consent)
    return case


def case_last_contact_refresh(*, case_ids) -> int:
    """Set each case's last contact from its counselling sessions and the visits that took
    place: called in the transaction of every write that adds or changes one, so the stored
    day always equals what the rows say (tests/cases/test_last_contact.py)."""
    from .selectors import last_contact_expression

    return Case.objects.filter(pk__in=case_ids).update(last_contact_on=last_contact_expression())
