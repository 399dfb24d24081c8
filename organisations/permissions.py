"""Who may do what because of their role and their organisation's kind.

Every rule that names a role is written here once and named for what it allows; the apps'
own permissions modules build their object rules (a case, a referral) on these, and views,
forms, serializers, admin, exports, selectors and templates (through `organisations.policy`)
ask those functions instead of comparing roles themselves."""

from django.db.models import Q

from .models import Membership, Organisation, OrganisationKind, Role, User

# The role groups, each named once. Changing who may close a case changes nothing else.
_CASEWORK = frozenset({Role.SOCIAL_WORKER, Role.SUPERVISOR, Role.ORG_ADMIN, Role.API_CLIENT})
_SEES_WHOLE_ORGANISATION = frozenset({Role.SUPERVISOR, Role.ORG_ADMIN, Role.API_CLIENT})
_SUPERVISING = frozenset({Role.SUPERVISOR, Role.ORG_ADMIN})
_ASSIGNABLE = frozenset({Role.SOCIAL_WORKER, Role.SUPERVISOR})
_TOLD_OF_OVERDUE_VISITS = frozenset({Role.SUPERVISOR})

GOVERNMENT_KINDS = frozenset({OrganisationKind.MINISTRY, OrganisationKind.PROVINCIAL_DEPARTMENT})
# Organisations that hold survivors' case files: NGOs and international organisations (IOM's
# return and reintegration assistance). Ministries, their departments and national bodies see
# aggregates and answer referrals; police, courts and health facilities receive referrals.
CASE_OWNING_KINDS = frozenset({OrganisationKind.NGO, OrganisationKind.INTERNATIONAL})

# The one role an API key's account has; people never get it.
API_KEY_ROLE = Role.API_CLIENT
# The role of a person an administrator adds without choosing one.
NEWCOMER_ROLE = Role.SOCIAL_WORKER


def active_membership(user: User) -> Membership | None:
    """The membership through which a signed-in user acts, or None if they may act on nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    membership = user.membership_or_none
    if membership is None or not membership.organisation.is_active:
        return None
    return membership


# Rules about a membership (the role in its organisation).


def works_on_cases(membership: Membership | None) -> bool:
    """Works on the organisation's own cases (as opposed to aggregates only)."""
    return membership is not None and membership.role in _CASEWORK


def has_whole_organisation_role(membership: Membership | None) -> bool:
    """A role that answers for the whole organisation, whatever the organisation's settings."""
    return membership is not None and membership.role in _SEES_WHOLE_ORGANISATION


def sees_whole_organisation(membership: Membership) -> bool:
    """Sees every case of the organisation, not only those assigned to them."""
    if has_whole_organisation_role(membership):
        return True
    return not membership.organisation.workers_see_assigned_only


def supervises(membership: Membership | None) -> bool:
    """A supervisor or the organisation's administrator."""
    return membership is not None and membership.role in _SUPERVISING


def administers(membership: Membership | None) -> bool:
    return membership is not None and membership.role == Role.ORG_ADMIN


def is_ministry_officer(membership: Membership | None) -> bool:
    return membership is not None and membership.role == Role.MINISTRY_OFFICER


def is_api_key_account(membership: Membership | None) -> bool:
    return membership is not None and membership.role == API_KEY_ROLE


def can_be_assigned_cases(membership: Membership | None) -> bool:
    """Cases and follow-up visits go to social workers and supervisors."""
    return membership is not None and membership.role in _ASSIGNABLE


def assignable_members() -> Q:
    """`can_be_assigned_cases` as a filter on users."""
    return Q(is_active=True, membership__role__in=_ASSIGNABLE)


def told_of_overdue_visits() -> Q:
    """Who, besides the visit's worker, hears of an overdue visit: a filter on memberships."""
    return Q(role__in=_TOLD_OF_OVERDUE_VISITS)


def organisation_administrators() -> Q:
    """The organisation's administrators, told when one of its webhook endpoints is paused:
    a filter on memberships."""
    return Q(role=Role.ORG_ADMIN)


def people_not_keys() -> Q:
    """Memberships of people, as opposed to the accounts behind API keys: a filter on users."""
    return ~Q(membership__role=API_KEY_ROLE)


def uses_admin_site(role: str, *, is_superuser: bool = False) -> bool:
    """Only organisation administrators (and the platform's superusers) use the Django admin."""
    return role == Role.ORG_ADMIN or is_superuser


def keeps_administration(role: str) -> bool:
    """Whether a role still administers the organisation (an administrator may not demote
    themselves, or nobody might be left to manage its people)."""
    return role == Role.ORG_ADMIN


# Rules about an organisation.


def owns_cases(organisation: Organisation) -> bool:
    return organisation.kind in CASE_OWNING_KINDS


def is_government(organisation: Organisation) -> bool:
    return organisation.kind in GOVERNMENT_KINDS


def grantable_roles(organisation: Organisation) -> set[str]:
    """The roles an administrator may give a person. The API client role belongs to the
    account behind an API key alone, made and stopped on the API keys page."""
    roles = {Role.SOCIAL_WORKER, Role.SUPERVISOR, Role.ORG_ADMIN}
    if is_government(organisation):
        roles.add(Role.MINISTRY_OFFICER)
    return roles


def role_choices(roles: set[str] | None = None) -> list[tuple[str, str]]:
    """(value, label) of the given roles, or of every role, in the usual order."""
    return [(value, label) for value, label in Role.choices if roles is None or value in roles]


def person_roles() -> set[str]:
    """Every role a person (not an API key's account) may have somewhere."""
    return set(Role.values) - {API_KEY_ROLE}


def grantable_role_choices(organisation: Organisation) -> list[tuple[str, str]]:
    return role_choices(grantable_roles(organisation))


# Rules about a signed-in user.


def is_platform_administrator(user: User) -> bool:
    """The platform's superusers: every organisation's rows in the Django admin."""
    return bool(user is not None and user.is_active and user.is_superuser)


def can_use_admin_site(user: User) -> bool:
    """The Django admin: the platform's superusers, and organisation administrators for
    their own organisation."""
    return is_platform_administrator(user) or administered_organisation(user) is not None


def administered_organisation(user: User) -> Organisation | None:
    """The organisation this user administers, or None."""
    membership = active_membership(user)
    return membership.organisation if administers(membership) else None


def is_organisation_administrator(user: User, organisation: Organisation) -> bool:
    administered = administered_organisation(user)
    return administered is not None and administered.pk == organisation.pk


def can_manage_people(user: User, organisation: Organisation | None = None) -> bool:
    """Invite people, change their role, deactivate them: the organisation's administrator."""
    if organisation is None:
        return administered_organisation(user) is not None
    return is_organisation_administrator(user, organisation)


def can_deactivate_person(user: User, person: User) -> bool:
    """Deactivate a person, handing their open cases and planned visits over as part of it:
    the administrator of the person's organisation, never themselves."""
    membership = person.membership_or_none
    return (
        membership is not None
        and person.pk != user.pk
        and can_manage_people(user, membership.organisation)
    )


def can_read_audit_log(user: User) -> bool:
    return administered_organisation(user) is not None


def can_manage_api_keys(user: User, organisation: Organisation) -> bool:
    return is_organisation_administrator(user, organisation)


def can_manage_webhooks(user: User, organisation: Organisation) -> bool:
    """Register, pause, resume and remove webhook endpoints, see their deliveries."""
    return is_organisation_administrator(user, organisation)


def can_do_casework(user: User) -> bool:
    """Works on the organisation's own cases: the caseload, visits, referrals it sends."""
    return works_on_cases(active_membership(user))


def can_register_cases(user: User) -> bool:
    """Case workers of an organisation that holds case files (see `CASE_OWNING_KINDS`), in
    the browser and through an API key alike."""
    membership = active_membership(user)
    return works_on_cases(membership) and owns_cases(membership.organisation)


def can_see_team(user: User) -> bool:
    """The team page: workers and their open caseloads."""
    return supervises(active_membership(user))


def can_see_dashboards(user: User) -> bool:
    membership = active_membership(user)
    return supervises(membership) or is_ministry_officer(membership)


def can_use_inbox(user: User) -> bool:
    """Referrals and notifications: anyone acting for an active organisation."""
    return active_membership(user) is not None
