from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet

from webforms.admin import VersionedAdminForm

from . import selectors, services
from .models import (
    Commune,
    District,
    Membership,
    Organisation,
    Province,
    User,
    Village,
)
from .permissions import (
    NEWCOMER_ROLE,
    administered_organisation,
    can_use_admin_site,
    grantable_role_choices,
    is_platform_administrator,
    person_roles,
    role_choices,
)


def admin_organisation(request):
    """The organisation an organisation administrator manages, or None."""
    return administered_organisation(request.user)


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """A raw-id box that names only rows of the administrator's organisation: a typed id of
    another organisation's row shows nothing (its form field refuses it as well)."""

    def __init__(self, rel, admin_site, *, queryset, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            visible = self.queryset.filter(**{key: value}).exists()
        except (ValueError, TypeError, ValidationError):
            visible = False
        return super().label_and_url_for_value(value) if visible else ("", "")


def _scoped_choices(admin_site, request, model) -> QuerySet | None:
    """The rows of `model` an organisation administrator may pick: what its own admin page
    lists. None for reference data (places), which every organisation shares."""
    model_admin = admin_site._registry.get(model)
    if isinstance(model_admin, OrganisationScopedAdmin):
        return model_admin.get_queryset(request)
    return None


class OrganisationScopedAdmin(admin.ModelAdmin):
    """Superusers see everything; an organisation administrator sees only rows whose
    `organisation_path` leads to their organisation, and nobody else's. Every foreign key a
    form offers (select or raw id) is limited the same way."""

    organisation_path = "organisation"
    allow_org_admin_add = False
    allow_org_admin_delete = False

    def get_queryset(self, request) -> QuerySet:
        queryset = super().get_queryset(request)
        if is_platform_administrator(request.user):
            return queryset
        organisation = admin_organisation(request)
        if organisation is None:
            return queryset.none()
        return queryset.filter(**{self.organisation_path: organisation.pk})

    def has_module_permission(self, request):
        return can_use_admin_site(request.user)

    def has_view_permission(self, request, obj=None):
        return can_use_admin_site(request.user)

    def has_change_permission(self, request, obj=None):
        return can_use_admin_site(request.user)

    def has_add_permission(self, request):
        if is_platform_administrator(request.user):
            return super().has_add_permission(request)
        return self.allow_org_admin_add and admin_organisation(request) is not None

    def has_delete_permission(self, request, obj=None):
        if is_platform_administrator(request.user):
            return super().has_delete_permission(request, obj)
        return self.allow_org_admin_delete and admin_organisation(request) is not None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not is_platform_administrator(request.user):
            queryset = _scoped_choices(self.admin_site, request, db_field.related_model)
            if queryset is not None:
                kwargs["queryset"] = queryset
                if db_field.name in self.raw_id_fields:
                    kwargs["widget"] = ScopedRawIdWidget(
                        db_field.remote_field,
                        self.admin_site,
                        queryset=queryset,
                        using=kwargs.get("using"),
                    )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyForOthersAdmin(admin.ModelAdmin):
    """Reference data: staff may look it up, only superusers change it."""

    def has_module_permission(self, request):
        return request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff

    def has_add_permission(self, request):
        return is_platform_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_platform_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_platform_administrator(request.user)


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


SETTINGS_FIELDS = services.ORGANISATION_SETTINGS


class OrganisationAdminForm(VersionedAdminForm):
    """The settings are checked by the service that writes them, so the admin and any page
    refuse the same values with the same messages; a form opened before another
    administrator's save is refused (VersionedAdminForm), never silently overwrites it."""

    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "slug",
            "kind",
            "province",
            "parent",
            "is_active",
            *SETTINGS_FIELDS,
        ]

    def clean(self):
        cleaned = super().clean()
        if all(name in cleaned for name in SETTINGS_FIELDS):
            try:
                cleaned.update(
                    services.organisation_settings_clean(
                        **{name: cleaned[name] for name in SETTINGS_FIELDS}
                    )
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
        return cleaned


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "short_name", "kind", "province", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    list_select_related = ["province", "parent"]
    prepopulated_fields = {"slug": ["short_name"]}

    def get_queryset(self, request) -> QuerySet:
        return selectors.organisations_for_admin(request.user).select_related("province", "parent")

    def get_readonly_fields(self, request, obj=None):
        if is_platform_administrator(request.user):
            return ()
        # An organisation's administrator sets its working rules, not its identity.
        return ("name", "short_name", "slug", "kind", "province", "parent", "is_active")

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if is_platform_administrator(request.user) else {}

    def save_model(self, request, obj, form, change):
        settings = {name: form.cleaned_data[name] for name in SETTINGS_FIELDS}
        if not change:
            created = services.organisation_create(
                name=obj.name,
                short_name=obj.short_name,
                slug=obj.slug,
                kind=obj.kind,
                province=obj.province,
                parent=obj.parent,
            )
            obj.pk, obj.group = created.pk, created.group
        elif is_platform_administrator(request.user):
            identity = [name for name in form.changed_data if name not in SETTINGS_FIELDS]
            if identity:
                Organisation.objects.filter(pk=obj.pk).update(
                    **{name: form.cleaned_data[name] for name in identity}
                )
        updated = services.organisation_update_settings(
            actor=request.user, organisation=obj, **settings
        )
        for name in SETTINGS_FIELDS:
            setattr(obj, name, getattr(updated, name))


class MembershipInlineForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["organisation", "role"]

    def clean(self):
        cleaned = super().clean()
        request = self.request
        if is_platform_administrator(request.user) or "role" not in cleaned:
            return cleaned
        organisation = admin_organisation(request)
        user = self.instance.user if self.instance.pk else None
        try:
            services.role_change_check(
                actor=request.user, user=user, organisation=organisation, role=cleaned["role"]
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return cleaned


class MembershipInline(admin.StackedInline):
    """The person's organisation and role. Saved by the services in `UserAdmin.save_related`,
    never by the formset itself."""

    model = Membership
    form = MembershipInlineForm
    can_delete = False
    extra = 1
    max_num = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type("ScopedMembershipForm", (formset.form,), {"request": request})
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not is_platform_administrator(request.user):
            kwargs["queryset"] = selectors.organisations_for_admin(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            organisation = admin_organisation(request)
            if is_platform_administrator(request.user) or organisation is None:
                # Keys' accounts are made on the API keys page, never here.
                kwargs["choices"] = role_choices(person_roles())
            else:
                kwargs["choices"] = grantable_role_choices(organisation)
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_add_permission(self, request, obj=None):
        return can_use_admin_site(request.user)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


class PersonChangeForm(BaseUserAdmin.form):
    """An administrator may not deactivate themselves: refused here as on the People page."""

    def clean(self):
        cleaned = super().clean()
        request = getattr(self, "request", None)
        if request is not None and "is_active" in cleaned and self.instance.pk:
            try:
                services.active_change_check(
                    actor=request.user, user=self.instance, active=cleaned["is_active"]
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


PERSON_FIELDS = ["username", "first_name", "last_name", "email", "preferred_language"]


@admin.register(User)
class UserAdmin(OrganisationScopedAdmin, BaseUserAdmin):
    organisation_path = "membership__organisation"
    allow_org_admin_add = True
    form = PersonChangeForm
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "membership", "is_active"]
    list_select_related = ["membership__organisation"]
    list_filter = ["is_active", "membership__role"]

    def get_queryset(self, request) -> QuerySet:
        return selectors.users_for_admin(request.user).select_related("membership__organisation")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if is_platform_administrator(request.user) or obj is None:
            return fieldsets
        # Organisation administrators manage people, not platform privileges.
        return [
            (None, {"fields": ("username", "password")}),
            ("Personal info", {"fields": ("first_name", "last_name", "email")}),
            ("Status", {"fields": ("is_active", "preferred_language")}),
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is None or is_platform_administrator(request.user):
            return readonly
        # Deactivation hands the person's open cases and visits over: the People page asks.
        return (*readonly, "is_active")

    def save_model(self, request, obj, form, change):
        if is_platform_administrator(request.user) or not change:
            # A new person's account (username and password) is made by Django's own form;
            # their organisation and role follow in `save_related`.
            super().save_model(request, obj, form, change)
            return
        stored = User.objects.get(pk=obj.pk)
        if any(name in form.changed_data for name in PERSON_FIELDS):
            services.user_update(
                actor=request.user,
                user=stored,
                **{
                    name: form.cleaned_data.get(name, getattr(stored, name))
                    for name in PERSON_FIELDS
                },
            )
        if "is_active" in form.changed_data:
            services.user_set_active(
                actor=request.user, user=stored, active=form.cleaned_data["is_active"]
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        # The membership is saved by the services (save_related); the change message reads these.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        person = User.objects.get(pk=form.instance.pk)
        chosen = next(
            (
                inline.cleaned_data
                for formset in formsets
                if formset.model is Membership
                for inline in formset.forms
                if inline.has_changed() or inline.instance.pk
            ),
            None,
        )
        membership = person.membership_or_none
        try:
            if is_platform_administrator(request.user):
                if chosen and chosen.get("organisation") and chosen.get("role"):
                    services.membership_set(
                        user=person, organisation=chosen["organisation"], role=chosen["role"]
                    )
                return
            organisation = admin_organisation(request)
            role = (chosen or {}).get("role")
            if membership is None:
                # A person an organisation administrator adds always belongs to that
                # organisation.
                services.membership_add(
                    actor=request.user,
                    user=person,
                    organisation=organisation,
                    role=role or NEWCOMER_ROLE,
                )
            elif role and role != membership.role:
                services.user_set_role(actor=request.user, user=person, role=role)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
