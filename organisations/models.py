from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .validation import ValidatedModel


class Place(ValidatedModel, models.Model):
    """One level of Cambodia's administrative hierarchy (Ministry of Economy and Finance, 2025).

    The official code is the primary key, so addresses stay readable and stable across reloads.
    """

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_km = models.CharField(_("name (Khmer)"), max_length=120)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name_en} ({self.name_km})"


class Province(Place):
    class Meta(Place.Meta):
        verbose_name = _("province")


class District(Place):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="districts")

    class Meta(Place.Meta):
        verbose_name = _("district")


class Commune(Place):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="communes")

    class Meta(Place.Meta):
        verbose_name = _("commune")


class Village(ValidatedModel, models.Model):
    """A village. The official list repeats some codes (even within one commune) and names
    13 villages under commune codes it does not list, so villages carry their own id and keep
    the official codes as data: the district always, the commune where it exists."""

    code = models.CharField(_("code"), max_length=8, db_index=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_km = models.CharField(_("name (Khmer)"), max_length=120)
    commune_code = models.CharField(_("commune code"), max_length=8)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="villages")
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="villages", null=True, blank=True
    )

    class Meta:
        ordering = ["code", "name_en"]
        verbose_name = _("village")
        constraints = [
            models.UniqueConstraint(
                fields=["commune_code", "code", "name_km"], name="village_official_identity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name_en} ({self.name_km})"


class OrganisationKind(models.TextChoices):
    NGO = "ngo", _("NGO")
    MINISTRY = "ministry", _("Ministry")
    PROVINCIAL_DEPARTMENT = "provincial_department", _("Provincial department")
    NATIONAL_BODY = "national_body", _("National body")
    INTERNATIONAL = "international", _("International organisation")
    POLICE = "police", _("Police")
    COURT = "court", _("Court")
    HEALTH_FACILITY = "health_facility", _("Health facility")


def default_followup_plan() -> list[int]:
    return [1, 3, 6, 12, 24]


class Organisation(ValidatedModel, models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(
        _("short name"),
        max_length=12,
        unique=True,
        help_text=_("Capital letters and digits; starts every case number, e.g. HCC-2026-0001."),
    )
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, null=True, blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="departments",
        help_text=_("The ministry a provincial department belongs to."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    workers_see_assigned_only = models.BooleanField(
        _("social workers see only their assigned cases"),
        default=False,
        help_text=_("Supervisors and administrators always see every case of the organisation."),
    )
    referral_access_grace_days = models.PositiveSmallIntegerField(
        _("days a completed referral keeps access"),
        default=30,
        help_text=_("After a referral is completed, the receiver keeps view access this long."),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("years a closed case keeps its identity"),
        default=10,
        help_text=_("After this, a closed case is anonymised; its statistics remain."),
    )
    followup_plan_months = models.JSONField(
        _("follow-up visits (months after reintegration)"),
        default=default_followup_plan,
        help_text=_("For example [1, 3, 6, 12, 24]."),
    )
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="organisation", editable=False
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


def display_name(first_name: str, last_name: str, username: str) -> str:
    """A person as the pages name them: their full name, their username without one."""
    return f"{first_name} {last_name}".strip() or username


class User(ValidatedModel, AbstractUser):
    """A person who signs in. Their organisation and role are on `Membership`."""

    preferred_language = models.CharField(
        _("preferred language"), max_length=8, blank=True, default=""
    )
    # Raised when a person is deactivated or their sign-in is reset: every session signed
    # before then no longer matches (Django checks the hash on each request) and stays ended,
    # even after reactivation.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    def save(self, *args, **kwargs):
        """Whatever deactivates a person (the People page, the admin, a shell), their sessions
        end for good with it."""
        if self.pk and not self.is_active:
            was_active = type(self).objects.filter(pk=self.pk, is_active=True).exists()
            if was_active:
                self.session_epoch += 1
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "session_epoch"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return display_name(self.first_name, self.last_name, self.username)

    def _get_session_auth_hash(self, secret=None):
        # Epoch 0 hashes exactly as Django does, so sessions outlive the field's arrival.
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "organisations.User.get_session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def membership_or_none(self) -> "Membership | None":
        """The membership with its organisation, fetched in one query and kept on the user."""
        relation = type(self).membership.related
        if not relation.is_cached(self):
            membership = (
                Membership.objects.select_related("organisation").filter(user_id=self.pk).first()
            )
            relation.set_cached_value(self, membership)
        return relation.get_cached_value(self)


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    SUPERVISOR = "supervisor", _("Supervisor")
    ORG_ADMIN = "org_admin", _("Organisation administrator")
    MINISTRY_OFFICER = "ministry_officer", _("Ministry officer")
    API_CLIENT = "api_client", _("API client")


class Membership(ValidatedModel, models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation.short_name} · {self.get_role_display()}"
