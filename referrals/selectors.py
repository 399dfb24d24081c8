"""Every read of referrals goes through these functions."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cases.models import Case, CaseEvent, EventKind
from cases.permissions import active_membership, sees_whole_organisation, works_on_cases
from cases.visibility import HEALTH, HEALTH_SERVICES
from organisations.models import Organisation, User

from .models import Referral, Status

# Statuses in which the receiver works on the case and so holds view access.
ACTIVE_STATUSES = (Status.ACCEPTED, Status.IN_PROGRESS)


def holding_access(today: dt.date | None = None) -> Q:
    """Referrals that give their receiver access on `today`: accepted, in progress, or
    completed and still in the sending organisation's grace period, relying on a consent that
    has neither expired nor been withdrawn (or on a supervisor's override); never once ended.
    Decided from the dates at read time: a background job that ends access only tidies up."""
    today = today or timezone.localdate()
    # The consent's dates as the referral's row holds them (referrals.triggers keeps them
    # equal to the consent's); a referral sent on an override has none.
    consent_current = (Q(consent_expires_on__isnull=True) | Q(consent_expires_on__gte=today)) & (
        Q(consent_withdrawn_on__isnull=True) | Q(consent_withdrawn_on__gt=today)
    )
    # The statuses that may hold access named on their own as well: PostgreSQL then reads
    # only theirs from `referral_grants`, not the declined, sent and cancelled referrals too
    # (6,758 of the 26,885 sent to the 20,000-case NGO at 1,000,000 cases).
    return (
        Q(status__in=(*ACTIVE_STATUSES, Status.COMPLETED))
        & (Q(status__in=ACTIVE_STATUSES) | Q(access_ends_on__gt=today))
        & Q(access_revoked_at__isnull=True)
        & Q(consent_revoked_at__isnull=True)
        & consent_current
    )


def _sender_side(user: User, sees_health: bool | None = None) -> Q | None:
    """`sees_health`: whether the user sees the health facts of the one case asked about,
    if the caller knows it; otherwise the cases revealing them are a subquery."""
    membership = active_membership(user)
    if not works_on_cases(membership):
        return None
    sent = Q(from_organisation_id=membership.organisation_id)
    if not sees_whole_organisation(membership):
        sent &= Q(case__assigned_worker_id=user.pk)
    # Which health service a survivor was referred to is health data (cases.visibility).
    if sees_health is None:
        return sent & (~Q(service__in=HEALTH_SERVICES) | Q(case__in=cases_revealing(user, HEALTH)))
    return sent if sees_health else sent & ~Q(service__in=HEALTH_SERVICES)


def _visible(user: User, sees_health: bool | None = None) -> Q | None:
    membership = active_membership(user)
    if membership is None:
        return None
    received = Q(to_organisation_id=membership.organisation_id)
    sent = _sender_side(user, sees_health)
    return received if sent is None else received | sent


def cases_revealing(user: User, category: str) -> QuerySet[Case]:
    from cases.selectors import case_list_visible_to, case_reveals

    return case_list_visible_to(user).filter(case_reveals(user)[category]).values("pk")


def referral_inbox_for(user: User) -> QuerySet[Referral]:
    membership = active_membership(user)
    if membership is None:
        return Referral.objects.none()
    return Referral.objects.filter(to_organisation_id=membership.organisation_id).select_related(
        "case", "from_organisation", "sent_by"
    )


def referral_outbox_for(user: User) -> QuerySet[Referral]:
    sent = _sender_side(user)
    if sent is None:
        return Referral.objects.none()
    return Referral.objects.filter(sent).select_related("case", "to_organisation", "sent_by")


def referral_get_for_user(*, user: User, pk: int | str) -> Referral:
    """The referral if the user's organisation sent or received it; 404 alike otherwise."""
    visible = _visible(user)
    if visible is None:
        raise Http404("No such referral.")
    try:
        return (
            Referral.objects.filter(visible)
            .select_related(
                "case",
                "from_organisation",
                "to_organisation",
                "consent",
                "sent_by",
                "answered_by",
                "overridden_by",
            )
            .get(pk=int(pk))
        )
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404("No such referral.") from None


def referral_overrides_for(user: User) -> QuerySet[Referral]:
    """Referrals the user's organisation sent without consent; for its administrator."""
    from .permissions import can_list_overrides

    if not can_list_overrides(user):
        return Referral.objects.none()
    return Referral.objects.filter(
        from_organisation_id=user.membership.organisation_id, consent__isnull=True
    ).select_related("case", "to_organisation", "sent_by", "overridden_by")


def referral_list_for_case(
    *, user: User, case: Case, seen: set[str] | None = None
) -> QuerySet[Referral]:
    """The case's referrals that the user's organisation sent or received (one query).
    `seen`: the categories of the case the user sees (cases.permissions.
    visible_case_categories), if the caller has them: the query then needs no subquery of
    every case revealing health facts."""
    visible = _visible(user, None if seen is None else HEALTH in seen)
    if visible is None:
        return Referral.objects.none()
    return (
        Referral.objects.filter(visible, case=case)
        .select_related("from_organisation", "to_organisation")
        .order_by("-sent_at", "-id")
    )


def referral_history(referral: Referral) -> QuerySet[CaseEvent]:
    """Referral events of this case concerning the receiving organisation: shown to both sides
    on the referral page, since the receiver may no longer see the case."""
    return CaseEvent.objects.filter(
        case_id=referral.case_id, kind=EventKind.REFERRAL, organisation=referral.to_organisation_id
    ).select_related("actor", "organisation")


CATEGORY_FLAGS = {
    "identity": "shares_identity",
    "case_facts": "shares_case_facts",
    "health": "shares_health",
}


def referral_shared_categories_for(
    organisation: Organisation, case_ids, today: dt.date | None = None
) -> dict[int, set[str]]:
    """Data categories of each case that a receiving organisation may see now (one query)."""
    rows = Referral.objects.filter(
        holding_access(today), case_id__in=list(case_ids), to_organisation=organisation
    ).values_list("case_id", *CATEGORY_FLAGS.values())
    categories: dict[int, set[str]] = {}
    for case_id, *flags in rows:
        seen = categories.setdefault(case_id, set())
        seen |= {name for name, shared in zip(CATEGORY_FLAGS, flags, strict=True) if shared}
    return categories


def referral_shared_categories(
    *, organisation: Organisation, case: Case, today: dt.date | None = None
) -> set[str]:
    """Data categories of the case that a receiving organisation may see now."""
    return referral_shared_categories_for(organisation, [case.pk], today).get(case.pk, set())


def referrals_sharing_with(organisation: Organisation, today: dt.date | None = None) -> QuerySet:
    """The referrals through which this organisation reads other organisations' cases now."""
    return Referral.objects.filter(holding_access(today), to_organisation=organisation)


def referral_case_ids_shared_with(
    organisation: Organisation, category: str | None = None, today: dt.date | None = None
) -> QuerySet:
    """Ids of other organisations' cases shared with this organisation now (sharing
    `category`, if given): the one source of both whether a receiver lists a case and what it
    sees of it. A subquery, so a list page stays at constant queries."""
    shared = referrals_sharing_with(organisation, today)
    if category is not None:
        shared = shared.filter(**{CATEGORY_FLAGS[category]: True})
    return shared.order_by().values("case_id")


def referral_case_ids_sharing_identity_with(
    organisation: Organisation, today: dt.date | None = None
) -> QuerySet:
    return referral_case_ids_shared_with(organisation, "identity", today)


def health_referral_organisation_ids(case: Case) -> set[int]:
    """Organisations the case was referred to for a health service: naming them tells of
    the survivor's health (cases.visibility)."""
    return set(
        Referral.objects.filter(case=case, service__in=HEALTH_SERVICES).values_list(
            "to_organisation_id", flat=True
        )
    )


def organisations_relying_on_consent(consent) -> QuerySet[Organisation]:
    """The partners whose referrals rely on this consent: withdrawing it ends their access."""
    referrals = Referral.objects.filter(consent=consent, consent_revoked_at__isnull=True).exclude(
        status__in=(Status.DECLINED, Status.CANCELLED)
    )
    return Organisation.objects.filter(pk__in=referrals.values("to_organisation_id")).order_by(
        "name"
    )
