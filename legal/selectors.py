"""Reads of legal proceedings. Every read goes through the case and the legal policy: what a
user may not see is absent from lists and a 404 when named."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from cases.models import Case
from cases.selectors import case_get_for_user, case_reveals
from organisations.models import User

from .models import Compensation, Hearing, LegalProceeding, ProtectionMeasure
from .permissions import can_record_legal, can_view_legal


def legal_proceedings_for_case(
    *, user: User, case: Case, categories: set[str] | None = None
) -> list[LegalProceeding] | None:
    """The case's proceedings with their hearings, protection and compensation: four queries
    however many there are. None (not an empty list) for someone who may not see legal detail:
    for them the case has no legal section at all."""
    if not can_view_legal(user, case, categories):
        return None
    return list(
        LegalProceeding.objects.filter(case=case).prefetch_related(
            Prefetch("hearings", queryset=Hearing.objects.order_by("date", "time", "id")),
            Prefetch("protection_measures", queryset=ProtectionMeasure.objects.all()),
            Prefetch("compensations", queryset=Compensation.objects.all()),
        )
    )


def proceedings_visible_to(user: User) -> QuerySet[LegalProceeding]:
    """The proceedings of every case whose legal detail the user sees: where the case's health
    facts are revealed to them (cases.selectors.case_reveals, the rule of the case pages),
    with their hearings, protection measures and compensation in three more queries."""
    from .permissions import LEGAL_CATEGORY

    revealing = Case.objects.filter(case_reveals(user)[LEGAL_CATEGORY])
    return (
        LegalProceeding.objects.filter(case__in=revealing.values("pk"))
        .select_related("case")
        .prefetch_related(
            Prefetch("hearings", queryset=Hearing.objects.order_by("date", "time", "id")),
            Prefetch("protection_measures", queryset=ProtectionMeasure.objects.all()),
            Prefetch("compensations", queryset=Compensation.objects.all()),
        )
    )


def hearings_visible_to(user: User) -> QuerySet[Hearing]:
    proceedings = proceedings_visible_to(user).prefetch_related(None)
    return Hearing.objects.filter(proceeding__in=proceedings.values("pk")).select_related(
        "proceeding__case"
    )


def case_get_for_legal_recording(*, user: User, pk: int) -> Case:
    """The case, if the user may record its legal detail; 404 alike for missing, forbidden and
    closed."""
    case = case_get_for_user(user=user, pk=pk, perm="change")
    if not can_record_legal(user, case):
        raise Http404("No such case.")
    return case


def proceeding_get_for_recording(*, user: User, case_pk: int, pk: int) -> LegalProceeding:
    case = case_get_for_legal_recording(user=user, pk=case_pk)
    try:
        proceeding = LegalProceeding.objects.get(case=case, pk=pk)
    except LegalProceeding.DoesNotExist:
        raise Http404("No such proceeding.") from None
    proceeding.case = case
    return proceeding


def hearing_get_for_recording(*, user: User, case_pk: int, pk: int) -> Hearing:
    case = case_get_for_legal_recording(user=user, pk=case_pk)
    try:
        hearing = Hearing.objects.select_related("proceeding").get(proceeding__case=case, pk=pk)
    except Hearing.DoesNotExist:
        raise Http404("No such hearing.") from None
    hearing.proceeding.case = case
    return hearing
