from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet

from webforms.admin import VersionedAdminForm

from .models import (
    Commune,
    District,
    Membership,
    Organisation,
    OrganisationKind,
    Province,
    Role,
    User,
    Village,
)
from .services import membership_set, organisation_create

GOVERNMENT_KINDS = frozenset({OrganisationKind.MINISTRY, OrganisationKind.PROVINCIAL_DEPARTMENT})


def admin_organisation(request):
    """The organisation an organisation administrator manages, or None."""
    membership = getattr(request.user, "membership_or_none", None)
    if (
        membership is None
        or membership.role != Role.ORG_ADMIN
        or not request.user.is_active
        or not membership.organisation.is_active
    ):
        return None
    return membership.organisation


class OrganisationScopedAdmin(admin.ModelAdmin):
    """Superusers see everything; an organisation administrator sees only rows whose
    `organisation_path` leads to their organisation, and nobody else's."""

    organisation_path = "organisation"
    allow_org_admin_add = False
    allow_org_admin_delete = False

    def get_queryset(self, request) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        organisation = admin_organisation(request)
        if organisation is None:
            return queryset.none()
        return queryset.filter(**{self.organisation_path: organisation})

    def _org_admin(self, request) -> bool:
        return admin_organisation(request) is not None

    def has_module_permission(self, request):
        return request.user.is_superuser or self._org_admin(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or self._org_admin(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser or self._org_admin(request)

    def has_add_permission(self, request):
        if request.user.is_superuser:
            return super().has_add_permission(request)
        return self.allow_org_admin_add and self._org_admin(request)

    def has_delete_permission(self, request, obj=None):
        if request.user.is_superuser:
            return super().has_delete_permission(request, obj)
        return self.allow_org_admin_delete and self._org_admin(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        organisation = admin_organisation(request)
        if organisation is not None and not request.user.is_superuser:
            related = db_field.related_model
            if related is Organisation:
                kwargs["queryset"] = Organisation.objects.filter(pk=organisation.pk)
            elif related is User:
                kwargs["queryset"] = User.objects.filter(membership__organisation=organisation)
            elif hasattr(related, "organisation"):
                kwargs["queryset"] = related.objects.filter(organisation=organisation)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyForOthersAdmin(admin.ModelAdmin):
    """Reference data: staff may look it up, only superusers change it."""

    def has_module_permission(self, request):
        return request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Province)
class ProvinceAdmin(ReadOnlyForOthersAdmin):
    list_display = ["code", "name_en", "name_km"]
    search_fields = ["code", "name_en", "name_km"]


@admin.register(District)
class DistrictAdmin(ReadOnlyForOthersAdmin):
    list_display = ["code", "name_en", "name_km", "province"]
    list_filter = ["province"]
    search_fields = ["code", "name_en", "name_km"]
    list_select_related = ["province"]


@admin.register(Commune)
class CommuneAdmin(ReadOnlyForOthersAdmin):
    list_display = ["code", "name_en", "name_km", "district"]
    search_fields = ["code", "name_en", "name_km"]
    list_select_related = ["district"]
    raw_id_fields = ["district"]


@admin.register(Village)
class VillageAdmin(ReadOnlyForOthersAdmin):
    list_display = ["code", "name_en", "name_km", "commune_code", "district"]
    search_fields = ["code", "name_en", "name_km"]
    list_select_related = ["district"]
    raw_id_fields = ["district", "commune"]


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin):
    form = VersionedAdminForm  # two administrators' settings never silently overwrite
    organisation_path = "pk"
    list_display = ["name", "short_name", "kind", "province", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    list_select_related = ["province", "parent"]
    prepopulated_fields = {"slug": ["short_name"]}

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        # An organisation's administrator sets its working rules, not its identity.
        return ("name", "short_name", "slug", "kind", "province", "parent", "is_active")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = organisation_create(
            name=obj.name,
            short_name=obj.short_name,
            slug=obj.slug,
            kind=obj.kind,
            province=obj.province,
            parent=obj.parent,
            workers_see_assigned_only=obj.workers_see_assigned_only,
        )
        obj.pk, obj.group = created.pk, created.group


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    extra = 1
    max_num = 1

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        organisation = admin_organisation(request)
        if db_field.name == "organisation" and not request.user.is_superuser:
            kwargs["queryset"] = Organisation.objects.filter(pk=getattr(organisation, "pk", None))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        organisation = admin_organisation(request)
        if db_field.name == "role" and organisation and not request.user.is_superuser:
            kwargs["choices"] = [
                (value, label)
                for value, label in Role.choices
                if value != Role.MINISTRY_OFFICER or organisation.kind in GOVERNMENT_KINDS
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser or admin_organisation(request) is not None

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


@admin.register(User)
class UserAdmin(OrganisationScopedAdmin, BaseUserAdmin):
    organisation_path = "membership__organisation"
    allow_org_admin_add = True
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "membership", "is_active"]
    list_select_related = ["membership__organisation"]
    list_filter = ["is_active", "membership__role"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        # Organisation administrators manage people, not platform privileges.
        return [
            (None, {"fields": ("username", "password")}),
            ("Personal info", {"fields": ("first_name", "last_name", "email")}),
            ("Status", {"fields": ("is_active", "preferred_language")}),
        ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        membership = form.instance.membership_or_none
        organisation = admin_organisation(request)
        if membership is None and organisation is not None and not request.user.is_superuser:
            # A person an organisation administrator adds always belongs to that organisation.
            membership_set(user=form.instance, organisation=organisation, role=Role.SOCIAL_WORKER)
        elif membership is not None:
            # Keep the organisation's group and the staff flag in step with the role.
            membership_set(
                user=form.instance, organisation=membership.organisation, role=membership.role
            )
