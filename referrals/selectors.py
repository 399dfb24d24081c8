"""Every read of referrals goes through these functions."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cases.models import Case, CaseEvent, EventKind
from cases.permissions import active_membership, sees_whole_organisation, works_on_cases
from organisations.models import Organisation, User

from .models import Referral, Status

# Statuses in which the receiver works on the case and so holds view access.
ACTIVE_STATUSES = (Status.ACCEPTED, Status.IN_PROGRESS)


def holding_access(today: dt.date | None = None) -> Q:
    """Referrals that give their receiver view access on `today`: accepted, in progress, or
    completed and still in the sending organisation's grace period; never once ended."""
    today = today or timezone.localdate()
    return (
        (Q(status__in=ACTIVE_STATUSES) | Q(status=Status.COMPLETED, access_ends_on__gt=today))
        & Q(access_revoked_at__isnull=True)
        & Q(consent_revoked_at__isnull=True)
    )


def _sender_side(user: User) -> Q | None:
    membership = active_membership(user)
    if not works_on_cases(membership):
        return None
    sent = Q(from_organisation_id=membership.organisation_id)
    if not sees_whole_organisation(membership):
        sent &= Q(case__assigned_worker_id=user.pk)
    return sent


def _visible(user: User) -> Q | None:
    membership = active_membership(user)
    if membership is None:
        return None
    received = Q(to_organisation_id=membership.organisation_id)
    sent = _sender_side(user)
    return received if sent is None else received | sent


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


def referral_list_for_case(*, user: User, case: Case) -> QuerySet[Referral]:
    """The case's referrals that the user's organisation sent or received (one query)."""
    visible = _visible(user)
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


def referral_shared_categories(
    *, organisation: Organisation, case: Case, today: dt.date | None = None
) -> set[str]:
    """Data categories of the case that a receiving organisation may see now."""
    rows = Referral.objects.filter(
        holding_access(today), case=case, to_organisation=organisation
    ).values_list("shares_identity", "shares_case_facts", "shares_health")
    categories: set[str] = set()
    for identity, case_facts, health in rows:
        categories |= {
            name
            for name, shared in (
                ("identity", identity),
                ("case_facts", case_facts),
                ("health", health),
            )
            if shared
        }
    return categories


def referral_case_ids_sharing_identity_with(
    organisation: Organisation, today: dt.date | None = None
) -> QuerySet:
    """Ids of other organisations' cases whose identity this organisation may see now; for
    lists of shared cases (a subquery, so a list page stays at constant queries)."""
    return Referral.objects.filter(
        holding_access(today), to_organisation=organisation, shares_identity=True
    ).values("case_id")


def organisations_relying_on_consent(consent) -> QuerySet[Organisation]:
    """The partners whose referrals rely on this consent: withdrawing it ends their access."""
    referrals = Referral.objects.filter(consent=consent, consent_revoked_at__isnull=True).exclude(
        status__in=(Status.DECLINED, Status.CANCELLED)
    )
    return Organisation.objects.filter(pk__in=referrals.values("to_organisation_id")).order_by(
        "name"
    )
