"""What the signed-in person may do, for templates: `{% if can.see_team %}`.

Templates never test roles; each attribute asks the named policy function once per request."""

from functools import cached_property

from cases import permissions as cases_policy
from followup import permissions as followup_policy
from organisations import permissions as organisations_policy


class Policy:
    def __init__(self, user):
        self.user = user

    @cached_property
    def register_cases(self) -> bool:
        return cases_policy.can_register_cases(self.user)

    @cached_property
    def do_casework(self) -> bool:
        return organisations_policy.can_do_casework(self.user)

    @cached_property
    def add_community_resources(self) -> bool:
        return followup_policy.can_add_community_resources(self.user)

    @cached_property
    def use_inbox(self) -> bool:
        return organisations_policy.can_use_inbox(self.user)

    @cached_property
    def see_team(self) -> bool:
        return cases_policy.can_see_team(self.user)

    @cached_property
    def see_dashboards(self) -> bool:
        return organisations_policy.can_see_dashboards(self.user)

    @cached_property
    def export_identities(self) -> bool:
        return cases_policy.can_export_identities(self.user)

    @cached_property
    def manage_people(self) -> bool:
        return organisations_policy.can_manage_people(self.user)

    @cached_property
    def manage_api_keys(self) -> bool:
        organisation = organisations_policy.administered_organisation(self.user)
        return organisation is not None and organisations_policy.can_manage_api_keys(
            self.user, organisation
        )

    @cached_property
    def read_audit_log(self) -> bool:
        return organisations_policy.can_read_audit_log(self.user)


def policy(request):
    return {"can": Policy(getattr(request, "user", None))}
