"""Reading the access log: an organisation's, for its administrator; a case's openers."""

import datetime as dt

from django.db import connection
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from cases.models import Case
from organisations.models import Organisation, User

from .models import AccessEvent, Action

OPENERS_SHOWN = 10


def access_events_for_organisation(organisation: Organisation) -> QuerySet[AccessEvent]:
    """What the organisation's people did, and what anyone did to the organisation's cases."""
    return AccessEvent.objects.filter(
        Q(organisation_id=organisation.pk) | Q(case_organisation_id=organisation.pk)
    ).select_related("user", "organisation", "case")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _mentions_case(case_id: int) -> Q:
    """Rows about the case, and lists and exports that showed it."""
    if connection.features.supports_json_field_contains:
        return Q(case_id=case_id) | Q(case_ids__contains=[case_id])
    # SQLite: the ids are stored as text, "[12, 345]".
    return Q(case_id=case_id) | Q(case_ids__regex=rf"[\[ ,]{case_id}[,\]]")


def access_events_filtered(
    organisation: Organisation,
    *,
    user: User | None = None,
    case_number: str = "",
    action: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AccessEvent]:
    events = access_events_for_organisation(organisation)
    if user is not None:
        events = events.filter(user_id=user.pk)
    if case_number:
        case_id = Case.objects.filter(case_number=case_number).values_list("pk", flat=True).first()
        if case_id is None:
            return events.none()
        events = events.filter(_mentions_case(case_id))
    if action:
        events = events.filter(action=action)
    if since is not None:
        events = events.filter(occurred_at__gte=_day_start(since))
    if until is not None:
        events = events.filter(occurred_at__lt=_day_start(until + dt.timedelta(days=1)))
    return events.order_by("-occurred_at", "-id")


def case_openers(case: Case) -> list[dict]:
    """The last people who opened the case, each once, with when they last did (one query)."""
    return list(
        AccessEvent.objects.filter(case_id=case.pk, action=Action.VIEW, denied=False)
        .exclude(user_id=None)
        .values(
            "user_id",
            "user__username",
            "user__first_name",
            "user__last_name",
            "organisation__short_name",
        )
        .annotate(last_opened=Max("occurred_at"))
        .order_by("-last_opened")[:OPENERS_SHOWN]
    )


def members_for_filter(organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(membership__organisation=organisation).order_by("username")
