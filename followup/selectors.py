"""Every read of follow-up visits goes through these functions, scoped by the cases a user may
see (cases.selectors.case_list_visible_to)."""

import datetime as dt
from operator import attrgetter

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.http import Http404
from django.utils import timezone

from cases.models import Case, Phase
from cases.permissions import active_membership, can_edit_case
from cases.selectors import (
    case_list_visible_to,
    own_cases_visible_to,
    records_as_read_by,
    workers_who_left,
)
from cases.visibility import written_by
from organisations.models import Organisation, User
from organisations.permissions import can_deactivate_person

from .models import (
    CommunityResource,
    DeliveryStatus,
    EmailDelivery,
    FollowUpVisit,
    Notification,
    VisitStatus,
)
from .permissions import sees_overdue_visits_of_organisation


def visits_visible_to(user: User) -> QuerySet[FollowUpVisit]:
    """Visits of the cases the user may see; of a case read as it stood at a transfer's
    acceptance, only those planned and last changed by then (cases.selectors)."""
    visits = FollowUpVisit.objects.filter(case__in=case_list_visible_to(user))
    return records_as_read_by(user, visits)


def visits_for_worker_this_week(user: User, *, today: dt.date | None = None):
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    return (
        visits_visible_to(user)
        .filter(
            assigned_worker_id=user.pk,
            status=VisitStatus.PLANNED,
            scheduled_for__range=(monday, monday + dt.timedelta(days=6)),
        )
        .select_related("case__origin_province", "case__origin_commune")
        .order_by("scheduled_for", "id")
    )


def visits_overdue_for(user: User, *, today: dt.date | None = None) -> QuerySet[FollowUpVisit]:
    """Planned visits whose day has passed: a supervisor sees the organisation's, a worker
    their own."""
    membership = active_membership(user)
    if membership is None:
        return FollowUpVisit.objects.none()
    today = today or timezone.localdate()
    # Visits are planned within the organisation holding the case: its own cases only.
    visits = FollowUpVisit.objects.filter(
        case__in=own_cases_visible_to(user), status=VisitStatus.PLANNED, scheduled_for__lt=today
    )
    if not sees_overdue_visits_of_organisation(membership):
        visits = visits.filter(assigned_worker_id=user.pk)
    return visits.select_related("case", "assigned_worker").order_by("scheduled_for", "id")


def visit_get_for_user(*, user: User, pk: int | str, perm: str = "view") -> FollowUpVisit:
    """The visit if the user may see (or `change`) its case; 404 alike for missing and
    forbidden."""
    try:
        visit = (
            visits_visible_to(user)
            .select_related("case__organisation", "case__assigned_worker", "assigned_worker")
            .get(pk=int(pk))
        )
    except (FollowUpVisit.DoesNotExist, ValueError, TypeError):
        raise Http404("No such visit.") from None
    if perm == "change" and not can_edit_case(user, visit.case):
        raise Http404("No such visit.")
    return visit


def followup_history_for_case(case: Case, seen=()) -> QuerySet[FollowUpVisit]:
    """The case's visits; for a reader of the case as it stood at a moment (`seen`, the
    categories it sees: cases.visibility.Reading), those planned and last changed by then."""
    return (
        written_by(case.followup_visits, seen)
        .select_related("assigned_worker")
        .prefetch_related("resources")
        .order_by("scheduled_for", "id")
    )


def followup_summary_for_case(
    case: Case, seen=()
) -> tuple[list[FollowUpVisit], FollowUpVisit | None]:
    """The next planned visits and the last visit done or missed, in two queries; what
    `followup_history_for_case` lists of them."""
    visits = written_by(case.followup_visits.all(), seen)
    upcoming = list(
        visits.filter(status=VisitStatus.PLANNED)
        .select_related("assigned_worker")
        .order_by("scheduled_for", "id")[:3]
    )
    last = (
        visits.filter(status__in=[VisitStatus.DONE, VisitStatus.MISSED])
        .order_by("-scheduled_for", "-id")
        .first()
    )
    return upcoming, last


def community_resources_for(
    user: User, province: str | None = None, commune: str | None = None
) -> QuerySet[CommunityResource]:
    """The directory: every signed-in member of an active organisation may read it."""
    if active_membership(user) is None:
        return CommunityResource.objects.none()
    resources = CommunityResource.objects.filter(is_active=True, organisation__is_active=True)
    if province:
        resources = resources.filter(province_id=province)
    if commune:
        resources = resources.filter(commune_id=commune)
    return resources.select_related("province", "commune", "organisation")


def notifications_for(user: User) -> QuerySet[Notification]:
    """The user's own in-app notifications; none while their organisation is inactive."""
    if active_membership(user) is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")


def refused_email_addresses(organisation: Organisation):
    """The organisation's people whose reminder e-mails the mail server refused or that were
    given up on in the last EMAIL_REFUSALS_SHOWN_DAYS, newest first, one row per person and
    address: for the supervisor to fix."""
    since = timezone.now() - dt.timedelta(days=settings.EMAIL_REFUSALS_SHOWN_DAYS)
    return (
        EmailDelivery.objects.filter(
            recipient__membership__organisation=organisation,
            status__in=[DeliveryStatus.REFUSED, DeliveryStatus.FAILED],
            claimed_at__gte=since,
        )
        .values(
            "recipient_id",
            "recipient__username",
            "recipient__first_name",
            "recipient__last_name",
            "address",
        )
        .annotate(count=Count("id"), last=Max("claimed_at"), error=Max("last_error"))
        .order_by("-last")
    )


NEEDING_WORKER_SHOWN = 100


def cases_needing_worker(user: User, shown: int = NEEDING_WORKER_SHOWN) -> list[Case]:
    """The first `shown` open cases of the user's organisation, oldest intake first, that no
    one who can be assigned cases carries (a case reintegrated through an API key, or whose
    worker left): their visits wait for someone and their reminders go to the supervisors.

    Two parts, each read in order from its own index and cut, then merged: the cases nobody
    carries (the `cases_needing_worker` index) and those of the workers who left, found
    first (a few ids, usually none). Joined by OR, or with the workers as a subquery,
    PostgreSQL walked every case by intake date looking for them (2.4 s for a
    100,000-case organisation with none). The two parts' first rows are merged here: SQLite
    takes no LIMIT in a part of a UNION."""
    membership = active_membership(user)
    if membership is None:
        return []
    organisation = membership.organisation
    left = workers_who_left(organisation)
    open_cases = (
        own_cases_visible_to(user)
        .filter(organisation=organisation)
        .exclude(phase=Phase.CLOSED)
        .only("case_number", "organisation_id", "phase", "intake_date", "assigned_worker_id")
    )
    order = ("intake_date", "pk")
    nobody = open_cases.filter(assigned_worker__isnull=True).order_by(*order)[:shown]
    if not left:
        return list(nobody)
    gone = open_cases.filter(assigned_worker_id__in=left).order_by(*order)[:shown]
    return sorted([*nobody, *gone], key=attrgetter(*order))[:shown]


def person_open_work(person: User) -> tuple[QuerySet[Case], QuerySet[FollowUpVisit]]:
    """What a person still carries: their open cases and their planned visits (overdue ones
    included), for the administrator who deactivates them. Scoped by the person, whom the
    caller has already found in its own organisation."""
    cases = (
        Case.objects.filter(assigned_worker=person)
        .exclude(phase=Phase.CLOSED)
        .order_by("case_number")
    )
    visits = (
        FollowUpVisit.objects.filter(assigned_worker=person, status=VisitStatus.PLANNED)
        .select_related("case")
        .order_by("scheduled_for", "pk")
    )
    return cases, visits


def person_get_for_deactivation(*, user: User, pk: int) -> User:
    """A person the user may deactivate; 404 alike for missing and not theirs."""
    person = User.objects.filter(pk=pk).first()
    if person is None or not can_deactivate_person(user, person):
        raise Http404("No such person.")
    return person
