"""Reads of cross-border returns, through the case and the return policy: what a user may not
see is absent from lists and a 404 when named."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from cases.models import Case
from cases.selectors import case_get_for_user, case_list_visible_to, case_reveals
from organisations.models import User
from plans.models import FamilyAssessment

from .models import CrossBorderReturn, Direction, ReturnStep, Step
from .permissions import RETURN_CATEGORY, can_record_return, can_view_return

STEP_ORDER = {step: index for index, step in enumerate(Step.values)}


def _with_steps(returns: QuerySet[CrossBorderReturn]) -> QuerySet[CrossBorderReturn]:
    return returns.select_related("family_assessment").prefetch_related(
        Prefetch("steps", queryset=ReturnStep.objects.select_related("done_by"))
    )


def return_for_case(
    *, user: User, case: Case, categories: set[str] | None = None
) -> tuple[bool, CrossBorderReturn | None]:
    """(whether the user may see the case's return at all, the return if there is one): two
    queries when there is one, one when there is none, none for who may not see it."""
    if not can_view_return(user, case, categories):
        return False, None
    return True, _with_steps(CrossBorderReturn.objects.filter(case=case)).first()


def returns_visible_to(user: User) -> QuerySet[CrossBorderReturn]:
    """Returns of the cases whose protection facts the user sees."""
    visible = cases_with_protection_visible_to(user)
    return _with_steps(CrossBorderReturn.objects.filter(case__in=visible.values("pk")))


def steps_in_order(cross_border_return: CrossBorderReturn) -> list[ReturnStep]:
    """The steps done, in the checklist's order (from the prefetched steps)."""
    return sorted(cross_border_return.steps.all(), key=lambda row: STEP_ORDER[row.step])


def checklist(cross_border_return: CrossBorderReturn) -> list[tuple[str, str, ReturnStep | None]]:
    """Every step of the checklist as (value, label, the step done or None)."""
    done = {row.step: row for row in cross_border_return.steps.all()}
    return [(value, label, done.get(value)) for value, label in Step.choices]


def step_done(cross_border_return: CrossBorderReturn, step: str) -> ReturnStep | None:
    return next((row for row in cross_border_return.steps.all() if row.step == step), None)


def document_status(cross_border_return: CrossBorderReturn) -> str:
    if step_done(cross_border_return, Step.DOCUMENT_ISSUED):
        return "issued"
    if step_done(cross_border_return, Step.DOCUMENT_APPLIED):
        return "applied"
    return "none"


def is_complete(cross_border_return: CrossBorderReturn) -> bool:
    """Handed over: the return is over, and nothing of it changes any more."""
    return step_done(cross_border_return, Step.HANDED_OVER) is not None


def case_get_for_return_recording(*, user: User, pk: int) -> Case:
    """The case, if the user may record its return; 404 alike for missing, forbidden and
    closed."""
    case = case_get_for_user(user=user, pk=pk, perm="change")
    if not can_record_return(user, case):
        raise Http404("No such case.")
    return case


def return_get_for_recording(*, user: User, case_pk: int) -> CrossBorderReturn:
    case = case_get_for_return_recording(user=user, pk=case_pk)
    cross_border_return = _with_steps(CrossBorderReturn.objects.filter(case=case)).first()
    if cross_border_return is None:
        raise Http404("No return for this case.")
    cross_border_return.case = case
    return cross_border_return


def family_assessments_for_return(case: Case) -> QuerySet[FamilyAssessment]:
    """The family assessments a return may link to: the case's own (plans app)."""
    return FamilyAssessment.objects.filter(case=case).order_by("-visited_on", "-pk")


def completed_return_home(case: Case) -> CrossBorderReturn | None:
    """The case's return out of Cambodia on which the survivor left with a receiving agency
    that accepted them: what closing a case as "returned to country of origin" needs."""
    return (
        CrossBorderReturn.objects.filter(
            case=case, direction=Direction.OUT_OF_CAMBODIA, travelled_on__isnull=False
        )
        .exclude(receiving_agency="")
        .filter(Q(steps__step=Step.AGENCY_ACCEPTED))
        .first()
    )


def cases_with_protection_visible_to(user: User) -> QuerySet[Case]:
    """The cases whose protection facts (legal detail, returns) the user sees: those whose
    records the API lets a caller name (the services then check it may record them)."""
    return case_list_visible_to(user).filter(case_reveals(user)[RETURN_CATEGORY])
