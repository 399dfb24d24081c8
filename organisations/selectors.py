from django.db.models import QuerySet
from django.http import Http404

from .models import Commune, District, Organisation, User, Village
from .permissions import administered_organisation, is_platform_administrator, people_not_keys


def members_of(organisation: Organisation) -> QuerySet[User]:
    """The organisation's people; the accounts behind API keys are on the API keys page."""
    return (
        User.objects.filter(people_not_keys(), membership__organisation=organisation)
        .select_related("membership")
        .order_by("-is_active", "last_name", "first_name", "username")
    )


def member_get_for_admin(*, organisation: Organisation, pk: int) -> User:
    try:
        return members_of(organisation).get(pk=pk)
    except User.DoesNotExist:
        raise Http404("No such person.") from None


def place_children(*, level: str, parent: str) -> QuerySet:
    """The districts of a province, communes of a district or villages of a commune."""
    if level == "district":
        return District.objects.filter(province_id=parent).order_by("name_en")
    if level == "commune":
        return Commune.objects.filter(district_id=parent).order_by("name_en")
    if level == "village":
        return Village.objects.filter(commune_id=parent).order_by("name_en")
    raise Http404("Unknown level.")


def organisations_for_admin(user: User) -> QuerySet[Organisation]:
    """The organisations a user manages in the Django admin: every one for the platform's
    superusers, their own for an organisation's administrator, none otherwise."""
    if is_platform_administrator(user):
        return Organisation.objects.all()
    organisation = administered_organisation(user)
    if organisation is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(pk=organisation.pk)


def users_for_admin(user: User) -> QuerySet[User]:
    """The people a user manages in the Django admin (API keys' accounts are on the keys page)."""
    if is_platform_administrator(user):
        return User.objects.all()
    organisation = administered_organisation(user)
    if organisation is None:
        return User.objects.none()
    return members_of(organisation)
