"""Whose caseload a dashboard aggregates. Decided once per request, from the user's role.

- A ministry officer of a ministry: every province.
- A ministry officer of a provincial department: cases whose province of origin is the
  department's province.
- A supervisor or organisation administrator: their own organisation's cases.
- Anyone else (social workers, API clients, anonymous, inactive): no dashboard at all (404).

The scope is a filter on cases; filters chosen on the page are added to it with AND, so they
can narrow it and never widen it.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from organisations.models import OrganisationKind, User
from organisations.permissions import active_membership, is_ministry_officer, supervises

NATIONAL, PROVINCE, ORGANISATION = "national", "province", "organisation"


@dataclass(frozen=True)
class DashboardScope:
    kind: str
    province_id: str | None = None
    organisation_id: int | None = None
    organisation_name: str = ""

    def case_q(self, prefix: str = "") -> Q:
        """The filter on cases (or on rows reaching a case through `prefix`, e.g. "case__")."""
        if self.kind == PROVINCE:
            return Q(**{f"{prefix}origin_province_id": self.province_id})
        if self.kind == ORGANISATION:
            return Q(**{f"{prefix}organisation_id": self.organisation_id})
        return Q()

    @property
    def cache_key(self) -> str:
        """Part of every cache key: two scopes never share a cached number."""
        return f"{self.kind}:{self.province_id or '-'}:{self.organisation_id or '-'}"

    @property
    def is_national(self) -> bool:
        return self.kind == NATIONAL

    def allows_province(self, province_id: str) -> bool:
        return self.kind != PROVINCE or province_id == self.province_id

    def allows_organisation(self, organisation_id: int) -> bool:
        return self.kind != ORGANISATION or organisation_id == self.organisation_id


def dashboard_scope_for(user: User) -> DashboardScope:
    """The user's scope, or 404 for everyone who has no dashboard (as if it did not exist)."""
    membership = active_membership(user)
    if membership is None:
        raise Http404("No dashboard.")
    organisation = membership.organisation
    if is_ministry_officer(membership):
        if organisation.kind == OrganisationKind.MINISTRY:
            return DashboardScope(NATIONAL, organisation_name=organisation.name)
        if organisation.kind == OrganisationKind.PROVINCIAL_DEPARTMENT and organisation.province_id:
            return DashboardScope(
                PROVINCE, province_id=organisation.province_id, organisation_name=organisation.name
            )
        raise Http404("No dashboard.")
    if supervises(membership):
        return DashboardScope(
            ORGANISATION, organisation_id=organisation.pk, organisation_name=organisation.name
        )
    raise Http404("No dashboard.")
