"""Every read of survivor data goes through these functions."""

from django.db.models import Q, QuerySet
from django.http import Http404

from organisations.models import Organisation, User

from .models import Case, CaseEvent, CaseGroupObjectPermission, Consent, CounsellingSession
from .permissions import CASEWORK_ROLES, active_membership, can_edit_case, sees_whole_organisation

VIEW_CASE = "view_case"


def case_ids_shared_with(organisation: Organisation) -> QuerySet:
    """Ids of cases another organisation shared with this one (guardian's direct-FK table)."""
    return CaseGroupObjectPermission.objects.filter(
        group_id=organisation.group_id, permission__codename=VIEW_CASE
    ).values("content_object_id")


def case_list_visible_to(user: User) -> QuerySet[Case]:
    membership = active_membership(user)
    if membership is None:
        return Case.objects.none()
    visible = Q(pk__in=case_ids_shared_with(membership.organisation))
    if membership.role in CASEWORK_ROLES:
        own = Q(organisation_id=membership.organisation_id)
        if not sees_whole_organisation(membership):
            own &= Q(assigned_worker_id=user.pk)
        visible |= own
    return Case.objects.filter(visible)


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
