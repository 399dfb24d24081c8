"""Writes of cross-border returns: authorise, check the rules, write, note it on the timeline.

The rules, each in one place:
- a return is to or from another country than Cambodia; one per case;
- into Cambodia only for a survivor taken across a border (the case's movement says so);
- a step is done on a day that has come (Phnom Penh's), not before the survivor was identified
  for return, and in the order that makes sense: a document is issued no earlier than it was
  applied for; the survivor travels only once a document is issued and the agency in the other
  country has accepted; a handover follows the journey;
- coming home, the family assessment before return is the reintegration plan's own (plans app);
  going home, the receiving agency assesses the family, and the note says who did;
- once the survivor has been handed over, the return is over and does not change.
The timeline says which step was done, never where, when, by whom or to which agency: it is
read by everyone who sees the case."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import timeline
from cases.countries import CAMBODIA
from cases.models import Case, CaseEvent, ClosureReason, EventKind, Movement
from organisations.models import User
from plans.models import FamilyAssessment

from .models import CrossBorderReturn, Direction, Route, Step
from .permissions import can_record_return, can_view_return
from .selectors import completed_return_home, is_complete, step_done


def _check(actor: User, case: Case) -> None:
    if not can_record_return(actor, case):
        raise PermissionDenied(_("You cannot record a return for this case."))


def _event(case: Case, actor: User, key: str, **values) -> None:
    CaseEvent.objects.create(
        case=case, kind=EventKind.UPDATED, actor=actor, **timeline.message(key, **values)
    )


def _not_in_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("This date has not come yet.")})


def _cambodian_going_out(*, direction: str, nationality: str) -> bool:
    """The rule both ways round: a Cambodian national is not returned out of Cambodia, so a
    return out of Cambodia is refused for a Cambodian and a case with one does not become
    Cambodian."""
    return direction == Direction.OUT_OF_CAMBODIA and str(nationality) == CAMBODIA


def nationality_check(*, actor: User, case: Case, nationality: str) -> None:
    """For cases.services.case_update, with the case locked: refuse to make a survivor with a
    return out of Cambodia Cambodian. Who may not see the return is not told of it."""
    directions = CrossBorderReturn.objects.filter(case=case).values_list("direction", flat=True)
    if not any(
        _cambodian_going_out(direction=direction, nationality=nationality)
        for direction in directions
    ):
        return
    if can_view_return(actor, case):
        message = _(
            "This case has a return out of Cambodia, which is for a survivor of another "
            "nationality: correct the return before recording the survivor as Cambodian."
        )
    else:
        message = _(
            "The nationality cannot be changed to Cambodian: ask the case's worker or a supervisor."
        )
    raise ValidationError({"nationality": message})


def _check_direction(case: Case, direction: str, country: str) -> None:
    if direction not in Direction.values:
        raise ValidationError({"direction": _("Choose the direction of the return.")})
    if str(country) == CAMBODIA:
        raise ValidationError({"country": _("Name the other country, not Cambodia.")})
    if _cambodian_going_out(direction=direction, nationality=case.nationality):
        raise ValidationError(
            {
                "direction": _(
                    "A return out of Cambodia is for a survivor of another nationality: record "
                    "the case's nationality first."
                )
            }
        )
    if direction == Direction.INTO_CAMBODIA and case.movement != Movement.CROSS_BORDER:
        raise ValidationError(
            {
                "direction": _(
                    "A return into Cambodia is for a survivor taken across a border: record "
                    "the case as cross-border first."
                )
            }
        )


def _locked(actor: User, cross_border_return: CrossBorderReturn) -> CrossBorderReturn:
    """The return, locked for the change, with its case checked and its steps read."""
    locked = (
        CrossBorderReturn.objects.select_for_update()
        .select_related("case")
        .get(pk=cross_border_return.pk)
    )
    _check(actor, locked.case)
    locked = CrossBorderReturn.objects.prefetch_related("steps").get(pk=locked.pk)
    if is_complete(locked):
        raise ValidationError(_("The survivor has been handed over: this return is complete."))
    return locked


@transaction.atomic
def return_start(
    *,
    actor: User,
    case: Case,
    direction: str,
    country: str,
    identified_on: dt.date,
    receiving_agency: str = "",
) -> CrossBorderReturn:
    """Open the case's return; the first step of the checklist (identified for return) is
    done on `identified_on`, by the person who records it."""
    _check(actor, case)
    # Locked as case_update locks it: a nationality changed meanwhile is the one judged.
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_direction(case, direction, country)
    _not_in_future(identified_on, "identified_on")
    cross_border_return = CrossBorderReturn(
        case=case, direction=direction, country=country, identified_on=identified_on,
        receiving_agency=receiving_agency.strip(), created_by=actor,
    )  # fmt: skip
    cross_border_return.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            cross_border_return.save()
    except IntegrityError:
        raise ValidationError(_("This case already has a return.")) from None
    cross_border_return.steps.create(step=Step.IDENTIFIED, done_on=identified_on, done_by=actor)
    _event(case, actor, "return.started")
    return cross_border_return


@transaction.atomic
def return_update(
    *,
    actor: User,
    cross_border_return: CrossBorderReturn,
    direction: str,
    country: str,
    identified_on: dt.date,
    receiving_agency: str = "",
) -> CrossBorderReturn:
    """Correct the return's facts until the survivor has travelled."""
    locked = _locked(actor, cross_border_return)
    if locked.travelled_on is not None:
        raise ValidationError(
            _("The survivor has travelled: the return's facts stay as they were.")
        )
    _check_direction(locked.case, direction, country)
    _not_in_future(identified_on, "identified_on")
    first_later_step = min(
        (row.done_on for row in locked.steps.all() if row.step != Step.IDENTIFIED), default=None
    )
    if first_later_step is not None and identified_on > first_later_step:
        raise ValidationError(
            {"identified_on": _("A step was done before this date: identification comes first.")}
        )
    locked.direction, locked.country, locked.identified_on = direction, country, identified_on
    locked.receiving_agency = receiving_agency.strip()
    locked.full_clean()
    locked.save()
    locked.steps.filter(step=Step.IDENTIFIED).update(done_on=identified_on)
    _event(locked.case, actor, "return.updated")
    return locked


def _step_rules(
    ret: CrossBorderReturn, step: str, done_on: dt.date, details: dict
) -> dict[str, object]:
    """Check a step against the rules; the return's fields the step sets."""
    if step not in Step.values or step == Step.IDENTIFIED:
        raise ValidationError({"step": _("Choose a step of the return.")})
    _not_in_future(done_on, "done_on")
    if done_on < ret.identified_on:
        raise ValidationError(
            {"done_on": _("A step cannot come before the survivor was identified for return.")}
        )

    def after(previous: str, message: str):
        row = step_done(ret, previous)
        if row is None:
            raise ValidationError({"step": message})
        if done_on < row.done_on:
            raise ValidationError(
                {"done_on": _("This step cannot come before “%(step)s” (%(date)s).")
                 % {"step": row.get_step_display(), "date": row.done_on.isoformat()}}
            )  # fmt: skip

    if ret.travelled_on is not None and step not in (Step.TRAVELLED, Step.HANDED_OVER):
        raise ValidationError(
            {
                "step": _(
                    "The survivor has travelled: the steps before the journey stay as they were."
                )
            }
        )
    changes: dict[str, object] = {}
    if step == Step.DOCUMENT_APPLIED:
        if not details.get("document_authority"):
            raise ValidationError({"document_authority": _("Say which authority issues it.")})
        changes["document_authority"] = details["document_authority"]
    elif step == Step.DOCUMENT_ISSUED:
        authority = details.get("document_authority") or ret.document_authority
        if not authority:
            raise ValidationError({"document_authority": _("Say which authority issued it.")})
        if step_done(ret, Step.DOCUMENT_APPLIED):
            after(Step.DOCUMENT_APPLIED, "")
        changes["document_authority"] = authority
    elif step == Step.FAMILY_ASSESSED:
        assessment = details.get("family_assessment")
        if ret.direction == Direction.INTO_CAMBODIA:
            if assessment is None:
                raise ValidationError(
                    {"family_assessment": _(
                        "Choose the family assessment of the reintegration plan (record the "
                        "home visit there first)."
                    )}
                )  # fmt: skip
            if assessment.case_id != ret.case_id:
                raise ValidationError(
                    {"family_assessment": _("This family assessment belongs to another case.")}
                )
            changes["family_assessment"] = assessment
        elif not details.get("note", "").strip():
            raise ValidationError(
                {"note": _("Say who assessed the family (the receiving agency, for example).")}
            )
    elif step == Step.AGENCY_ACCEPTED:
        agency = (details.get("receiving_agency") or "").strip() or ret.receiving_agency
        if not agency:
            raise ValidationError({"receiving_agency": _("Name the agency in the other country.")})
        changes["receiving_agency"] = agency
    elif step == Step.TRAVELLED:
        after(
            Step.AGENCY_ACCEPTED,
            _("The agency in the other country must accept the survivor before the journey."),
        )
        after(Step.DOCUMENT_ISSUED, _("A travel or identity document must be issued first."))
        route, other = details.get("route") or "", (details.get("route_other") or "").strip()
        if route not in Route.values:
            raise ValidationError({"route": _("Choose the route.")})
        if route == Route.OTHER and not other:
            raise ValidationError({"route_other": _("Describe the route.")})
        changes.update(route=route, route_other=other if route == Route.OTHER else "")
        changes["travelled_on"] = done_on
    elif step == Step.HANDED_OVER:
        after(Step.TRAVELLED, _("Record the journey before the handover."))
        received_by = (details.get("received_by") or "").strip()
        place = (details.get("handover_place") or "").strip()
        if not received_by:
            raise ValidationError({"received_by": _("Say who received the survivor.")})
        if not place:
            raise ValidationError({"handover_place": _("Say where the survivor was handed over.")})
        changes.update(received_by=received_by, handover_place=place)
    return changes


@transaction.atomic
def return_step_record(
    *,
    actor: User,
    cross_border_return: CrossBorderReturn,
    step: str,
    done_on: dt.date,
    note: str = "",
    document_authority: str = "",
    family_assessment: FamilyAssessment | None = None,
    receiving_agency: str = "",
    route: str = "",
    route_other: str = "",
    received_by: str = "",
    handover_place: str = "",
) -> CrossBorderReturn:
    """Tick a step of the checklist, done on `done_on` by `actor`. A step recorded again is
    corrected (the journey and the handover only until the return is complete)."""
    ret = _locked(actor, cross_border_return)
    details = {
        "note": note, "document_authority": document_authority,
        "family_assessment": family_assessment, "receiving_agency": receiving_agency,
        "route": route, "route_other": route_other, "received_by": received_by,
        "handover_place": handover_place,
    }  # fmt: skip
    changes = _step_rules(ret, step, done_on, details)
    for name, value in changes.items():
        setattr(ret, name, value)
    ret.full_clean()
    ret.save()
    ret.steps.update_or_create(
        step=step, defaults={"done_on": done_on, "done_by": actor, "note": note.strip()}
    )
    _event(ret.case, actor, "return.step", step=timeline.label(Step(step).label))
    return CrossBorderReturn.objects.prefetch_related("steps").get(pk=ret.pk)


def closure_reason_check(*, case: Case, reason: str) -> None:
    """A case closes as "returned to country of origin" only once the survivor has left on a
    return out of Cambodia that a named agency in the other country accepted; a survivor who
    came home to Cambodia goes on into reintegration instead."""
    if reason != ClosureReason.RETURNED_HOME:
        return
    if completed_return_home(case) is None:
        raise ValidationError(
            {"closure_reason": _(
                "A case closes as returned to the country of origin only after a return out "
                "of Cambodia: the receiving agency named and accepting, the journey recorded."
            )}
        )  # fmt: skip
