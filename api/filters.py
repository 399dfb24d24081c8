"""List filters. updated_since lets a partner sync what changed since its last run."""

from functools import cached_property

from django.db.models import Q
from django_filters import rest_framework as filters

from cases.filters import NO_PROVINCE
from cases.models import Case, ExploitationForm, Phase
from cases.permissions import active_membership
from cases.selectors import case_last_changed, case_reveals, handover_moments
from cases.visibility import CASE_FACTS, IDENTITY
from followup.models import ResourceKind, VisitStatus
from organisations.models import OrganisationKind
from plans.models import ApprovalKind, ApprovalStatus, PlanStatus
from referrals.models import Status

from .fields import IdFilter, SinceFilter
from .selectors import cases_changed_since

UPDATED_SINCE_HELP = "Only rows changed at or after this time (ISO 8601)."


class UpdatedSinceFilterSet(filters.FilterSet):
    updated_since = SinceFilter(
        field_name="updated_at", lookup_expr="gte", help_text=UPDATED_SINCE_HELP
    )


def handover_moments_of(request) -> dict:
    """The cases the caller reads as they stood at a handover, with its moment
    (cases.selectors.handover_moments): read once a request, for the filter and the order of
    the list, of each of its parts and of a page's rows (api.pagination.FirstOfEachPart)."""
    if not hasattr(request, "handover_moments"):
        request.handover_moments = handover_moments(request.user)
    return request.handover_moments


class CaseFilter(UpdatedSinceFilterSet):
    updated_since = SinceFilter(
        method="filter_updated_since",
        help_text=UPDATED_SINCE_HELP
        + " Includes cases newly shared with the caller, and cases whose sharing with the"
        " caller changed (what it may see of them, such as the health facts).",
    )
    phase = filters.ChoiceFilter(choices=Phase.choices, method="case_fact")
    province = filters.CharFilter(
        field_name="origin_province_id",
        max_length=8,
        help_text=f"Province code, e.g. 12; or {NO_PROVINCE}: cases with no province of origin"
        " in Cambodia (a foreign national may have none).",
        method="province_of_origin",
    )

    exploitation_form = filters.ChoiceFilter(
        choices=ExploitationForm.choices,
        field_name="exploitations__form",
        method="case_fact",
        help_text="Cases with this form of exploitation, among others.",
    )
    nationality = filters.CharFilter(
        max_length=2,
        method="identity",
        help_text="ISO 3166-1 alpha-2 code, e.g. ID: cases whose identity the caller sees.",
    )

    @cached_property
    def reveals(self):
        """Where each category is revealed to the caller (cases.selectors.case_reveals): the
        same for every filter of a request, worked out once."""
        return case_reveals(self.request.user)

    def case_fact(self, queryset, name, value):
        # Phase and province are case facts: they match only cases that show them to the
        # caller (cases.visibility), or a filter would tell what the case hides.
        return queryset.filter(self.reveals[CASE_FACTS], **{name: value})

    def province_of_origin(self, queryset, name, value):
        if value == NO_PROVINCE:
            return self.case_fact(queryset, "origin_province__isnull", True)
        return self.case_fact(queryset, name, value)

    def identity(self, queryset, name, value):
        return queryset.filter(self.reveals[IDENTITY], nationality=value.upper())

    @cached_property
    def handover_moments(self):
        return handover_moments_of(self.request)

    def filter_queryset(self, queryset):
        # updated_since first: it replaces the list of visible cases with the visible cases
        # changed since, and the other filters narrow that. Then when each case last changed
        # as the caller reads it, which the pages are ordered by (ChangedCursorPagination).
        data = dict(self.form.cleaned_data)
        since = data.pop("updated_since", None)
        if since is not None:
            queryset = self.changed_since(queryset, since)
        for name, value in data.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset.annotate(last_changed=case_last_changed(self.handover_moments))

    def changed_since(self, queryset, since):
        """The visible cases changed since (api.selectors), with the columns `queryset` reads:
        `queryset` itself is `case_list_visible_to`, whose sharing subquery would be computed
        a second time for nothing."""
        changed = cases_changed_since(self.request.user, since, self.handover_moments)
        changed.query.select_related = queryset.query.select_related
        return changed.prefetch_related(*queryset._prefetch_related_lookups)

    def filter_updated_since(self, queryset, name, value):
        return self.changed_since(queryset, value)


class ConsentFilter(UpdatedSinceFilterSet):
    case = IdFilter(field_name="case_id")


class CounsellingSessionFilter(UpdatedSinceFilterSet):
    case = IdFilter(field_name="case_id")


class ReferralFilter(UpdatedSinceFilterSet):
    status = filters.ChoiceFilter(choices=Status.choices)
    case = IdFilter(field_name="case_id")
    direction = filters.ChoiceFilter(
        choices=[("received", "received"), ("sent", "sent")],
        method="filter_direction",
        help_text="received: addressed to the caller's organisation; sent: sent by it.",
    )

    def filter_direction(self, queryset, name, value):
        organisation_id = active_membership(self.request.user).organisation_id
        if value == "received":
            return queryset.filter(to_organisation_id=organisation_id)
        return queryset.filter(from_organisation_id=organisation_id)


class VisitFilter(UpdatedSinceFilterSet):
    status = filters.ChoiceFilter(choices=VisitStatus.choices)
    case = IdFilter(field_name="case_id")
    province = filters.CharFilter(
        field_name="case__origin_province_id", max_length=8, method="case_fact"
    )

    def case_fact(self, queryset, name, value):
        revealing = Case.objects.filter(case_reveals(self.request.user)[CASE_FACTS])
        return queryset.filter(case__in=revealing.values("pk"), **{name: value})


class CommunityResourceFilter(UpdatedSinceFilterSet):
    province = filters.CharFilter(field_name="province_id", max_length=8)
    kind = filters.ChoiceFilter(choices=ResourceKind.choices)


class OrganisationFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=OrganisationKind.choices)
    province = filters.CharFilter(field_name="province_id", max_length=8)


class TombstoneFilter(filters.FilterSet):
    since = SinceFilter(
        field_name="occurred_at",
        lookup_expr="gte",
        help_text="Only cases that left the caller's view at or after this time.",
    )


class PlanRecordFilter(UpdatedSinceFilterSet):
    """The plan's records of the cases the caller works on: by case, and what changed since."""

    case = IdFilter(field_name="case_id")


class ReturnFilter(UpdatedSinceFilterSet):
    """Cross-border returns: by case, and what changed since (a step recorded changes it)."""

    case = IdFilter(field_name="case_id")


class TransferFilter(filters.FilterSet):
    """Transfers: by case, and what changed since (requested, answered, the sender's access
    ended)."""

    case = IdFilter(field_name="case_id")
    updated_since = SinceFilter(method="filter_updated_since", help_text=UPDATED_SINCE_HELP)

    def filter_updated_since(self, queryset, name, value):
        return queryset.filter(
            Q(requested_at__gte=value)
            | Q(answered_at__gte=value)
            | Q(sender_access_revoked_at__gte=value)
        )


class PlanFilter(PlanRecordFilter):
    status = filters.ChoiceFilter(choices=PlanStatus.choices)


class LegalProceedingFilter(UpdatedSinceFilterSet):
    """`updated_since` finds a proceeding whose hearings, protection measures or
    compensation changed too: they are part of it."""

    case = IdFilter(field_name="case_id")


class HearingFilter(UpdatedSinceFilterSet):
    case = IdFilter(field_name="proceeding__case_id")
    proceeding = IdFilter(field_name="proceeding_id")


class ApprovalFilter(PlanRecordFilter):
    status = filters.ChoiceFilter(choices=ApprovalStatus.choices)
    kind = filters.ChoiceFilter(choices=ApprovalKind.choices)
