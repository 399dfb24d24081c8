"""Every read of survivor data goes through these functions."""

import datetime as dt
from collections.abc import Callable

from django.apps import apps
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as When_
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone

from organisations.models import Organisation, User

from . import lookups  # noqa: F401  (registers pk__any_of)
from .models import Case, CaseEvent, CaseGroupObjectPermission, Consent, CounsellingSession
from .permissions import (
    active_membership,
    assignable_workers,
    can_edit_case,
    sees_whole_organisation,
    works_on_cases,
)

VIEW_CASE = "view_case"


def case_ids_shared_with(organisation: Organisation) -> QuerySet:
    """Ids of cases another organisation shared with this one (guardian's direct-FK table)."""
    return CaseGroupObjectPermission.objects.filter(
        group_id=organisation.group_id, permission__codename=VIEW_CASE
    ).values("content_object_id")


def _visibility(user: User) -> tuple[Q, Q | None] | None:
    """The rule of who sees which case, in one place: (the cases other organisations shared
    with the user's organisation, the own organisation's cases the user may see). The second
    is None for roles with no caseload of their own; it is every case of the organisation, or,
    where the organisation limits social workers to their own cases, those assigned to them.
    None for someone with no active membership."""
    membership = active_membership(user)
    if membership is None:
        return None
    shared = Q(pk__any_of=case_ids_shared_with(membership.organisation))
    if not works_on_cases(membership):
        return shared, None
    own = Q(organisation_id=membership.organisation_id)
    if not sees_whole_organisation(membership):
        own &= Q(assigned_worker_id=user.pk)
    return shared, own


def case_list_visible_to(user: User) -> QuerySet[Case]:
    visibility = _visibility(user)
    if visibility is None:
        return Case.objects.none()
    shared, own = visibility
    return Case.objects.filter(shared if own is None else shared | own)


def case_list_visible_in_parts(user: User) -> list[QuerySet[Case]]:
    """The same cases as `case_list_visible_to`, as disjoint parts: the own organisation's
    cases, then the cases other organisations shared. Each part alone can be read from an
    index; the two joined by OR cannot, and cost the caseload a scan of the table."""
    visibility = _visibility(user)
    if visibility is None:
        return []
    shared, own = visibility
    if own is None:
        return [Case.objects.filter(shared)]
    return [Case.objects.filter(own), Case.objects.filter(shared).exclude(own)]


def case_get_for_user(*, user: User, pk: int | str, perm: str = "view") -> Case:
    """The case if the user may `view` (or `change`) it; 404 alike for missing and forbidden."""
    try:
        case = (
            case_list_visible_to(user)
            .select_related(
                "organisation",
                "assigned_worker",
                "origin_province",
                "origin_commune__district",
                "origin_village",
            )
            .get(pk=int(pk))
        )
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404("No such case.") from None
    if perm == "change" and not can_edit_case(user, case):
        raise Http404("No such case.")
    return case


def organisations_with_access(case: Case) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        group__casegroupobjectpermission__content_object=case,
        group__casegroupobjectpermission__permission__codename=VIEW_CASE,
    ).distinct()


def consent_list_for_case(case: Case) -> QuerySet[Consent]:
    return case.consents.select_related("shared_with_organisation", "recorded_by")


def counselling_session_list_for_case(case: Case) -> QuerySet[CounsellingSession]:
    return case.counselling_sessions.select_related("counsellor")


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor", "organisation")


NO_CONTACT_DAYS = 30


def sensitive_facts_history(case: Case) -> QuerySet[CaseEvent]:
    """When the health and legal facts changed and who changed them; never what they held."""
    events = case.events.filter(message="case.sensitive_facts_changed")
    return events.select_related("actor").order_by("-occurred_at", "-pk")


def _with_contact_dates(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Next planned follow-up visit and the last contact (counselling session or visit)."""
    visit = apps.get_model("followup", "FollowUpVisit")
    next_visit = visit.objects.filter(case=OuterRef("pk"), status="planned").order_by(
        "scheduled_for"
    )
    last_visit = visit.objects.filter(case=OuterRef("pk"), status="done").order_by("-visited_on")
    last_session = CounsellingSession.objects.filter(case=OuterRef("pk")).order_by("-session_date")
    queryset = queryset.annotate(
        next_visit_on=Subquery(next_visit.values("scheduled_for")[:1]),
        last_visit_on=Subquery(last_visit.values("visited_on")[:1]),
        last_session_on=Subquery(last_session.values("session_date")[:1]),
    )
    # GREATEST ignores NULL on PostgreSQL but not on SQLite: coalesce both sides first.
    return queryset.annotate(
        last_contact_on=Greatest(
            Coalesce("last_session_on", "last_visit_on"),
            Coalesce("last_visit_on", "last_session_on"),
        )
    )


def _identity_visible(user: User) -> ExpressionWrapper:
    """True where the list may show the survivor's name: own cases, and shared cases whose
    referral shares identity."""
    from referrals.selectors import referral_case_ids_sharing_identity_with

    membership = active_membership(user)
    if membership is None:
        return ExpressionWrapper(Value(False), output_field=BooleanField())
    shared = referral_case_ids_sharing_identity_with(membership.organisation)
    return ExpressionWrapper(
        Q(organisation_id=membership.organisation_id) | Q(pk__in=shared),
        output_field=BooleanField(),
    )


def _caseload_ordering(user: User) -> dict:
    """Their own cases first, then high risk, then medium, then the rest."""
    return {
        "mine": When_(
            When(assigned_worker_id=user.pk, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "risk_order": When_(
            When(risk_level="high", then=Value(0)),
            When(risk_level="medium", then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    }


CASELOAD_ORDER = ("mine", "risk_order", "-intake_date", "-id")


def caseload_order(user: User) -> QuerySet[Case]:
    """The cases the user may see in caseload order (their own first, then high risk, then
    the newest), with the columns of the caseload (the export)."""
    return case_list_visible_to(user).annotate(**_caseload_ordering(user)).order_by(*CASELOAD_ORDER)


def caseload_ids(user: User, narrow: Callable[[QuerySet], QuerySet]) -> QuerySet:
    """Rows of (id, sort keys) of the cases the user may see, narrowed by `narrow` (the
    caseload filters), in caseload order, without joins: a page is picked from this, then
    `caseload_rows` fetches those cases whole. Each visible part is narrowed and ordered on
    its own index, then the parts are merged: a 20,000-case organisation's page of ids
    costs 8 ms instead of 18."""
    parts = [
        narrow(part)
        .annotate(**_caseload_ordering(user))
        .values_list("id", "mine", "risk_order", "intake_date")
        .order_by()
        for part in case_list_visible_in_parts(user)
    ]
    if not parts:
        return Case.objects.none().values_list("id")
    if len(parts) == 1:
        return parts[0].order_by(*CASELOAD_ORDER)
    return parts[0].union(*parts[1:], all=True).order_by(*CASELOAD_ORDER)


def caseload_rows(user: User, ids: list[int]) -> list[Case]:
    """The given cases with everything the caseload shows, in the order of `ids`."""
    queryset = case_list_visible_to(user).filter(pk__in=ids)
    queryset = _with_contact_dates(
        queryset.select_related("organisation", "assigned_worker", "origin_province")
    ).annotate(show_identity=_identity_visible(user))
    by_id = {case.pk: case for case in queryset}
    return [by_id[pk] for pk in ids if pk in by_id]


def caseload_for(user: User) -> QuerySet[Case]:
    """The caseload with its columns in one query (exports; the page uses the two steps)."""
    queryset = caseload_order(user).select_related(
        "organisation", "assigned_worker", "origin_province"
    )
    return _with_contact_dates(queryset).annotate(show_identity=_identity_visible(user))


def cases_without_recent_contact(user: User, *, days: int = NO_CONTACT_DAYS) -> QuerySet[Case]:
    """Open cases nobody has seen for `days`: no session or visit, or none since intake."""
    since = timezone.localdate() - dt.timedelta(days=days)
    queryset = _with_contact_dates(
        case_list_visible_to(user)
        .exclude(phase="closed")
        .select_related("assigned_worker", "origin_province")
    )
    return queryset.filter(
        Q(last_contact_on__lt=since) | Q(last_contact_on__isnull=True, intake_date__lt=since)
    ).order_by("last_contact_on", "intake_date")


def workers_of(organisation: Organisation) -> QuerySet[User]:
    """Who may be assigned a case: the organisation's active workers and supervisors."""
    return assignable_workers(organisation).order_by("first_name", "username")


def team_of(organisation: Organisation) -> QuerySet[User]:
    """The organisation's workers with their open caseload."""
    return workers_of(organisation).annotate(
        open_cases=Count("assigned_cases", filter=~Q(assigned_cases__phase="closed"))
    )
