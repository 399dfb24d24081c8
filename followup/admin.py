from django.contrib import admin

from audit.reads import AuditedAdminMixin
from cases.services import case_last_contact_refresh
from organisations.admin import OrganisationScopedAdmin
from organisations.permissions import is_platform_administrator

from .models import CommunityResource, EmailDelivery, FollowUpVisit, Notification, Reminder


class WrittenByServicesAdmin(OrganisationScopedAdmin):
    """Reminders, notifications and e-mails are made by the reminder services: an
    organisation's administrator may look, and may not re-point them at another visit,
    reminder or person. Every other foreign key of the admin is scoped to their organisation."""

    related_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if is_platform_administrator(request.user):
            return fields
        return fields + tuple(name for name in self.related_fields if name not in fields)


@admin.register(FollowUpVisit)
class FollowUpVisitAdmin(AuditedAdminMixin, OrganisationScopedAdmin):
    organisation_path = "case__organisation"
    list_display = ["case", "scheduled_for", "status", "assigned_worker", "plan_month"]
    list_filter = ["status"]
    list_select_related = ["case", "assigned_worker"]
    raw_id_fields = ["case"]
    search_fields = ["case__case_number"]

    # A visit changed here may change its case's last contact (and a visit moved to another
    # case, both cases'): the stored day follows, as after the services' writes.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        case_last_contact_refresh(case_ids=[obj.case_id, form.initial.get("case")])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        case_last_contact_refresh(case_ids=[obj.case_id])

    def delete_queryset(self, request, queryset):
        case_ids = list(queryset.values_list("case_id", flat=True))
        super().delete_queryset(request, queryset)
        case_last_contact_refresh(case_ids=case_ids)


@admin.register(Reminder)
class ReminderAdmin(AuditedAdminMixin, WrittenByServicesAdmin):
    audit_case_path = "visit__case_id"
    related_fields = ("visit", "case", "topic")
    organisation_path = "visit__case__organisation"
    list_display = ["visit", "topic", "kind", "due_at", "sent_at", "attempts"]
    list_filter = ["kind"]
    list_select_related = ["visit__case"]
    raw_id_fields = ["visit", "case"]
    readonly_fields = ["claimed_at", "sent_at", "attempts", "last_error"]


@admin.register(CommunityResource)
class CommunityResourceAdmin(OrganisationScopedAdmin):
    audit_exempt = "The community resource directory: monks, village chiefs, schools."
    organisation_path = "organisation"
    allow_org_admin_add = True
    list_display = ["name", "kind", "province", "commune", "is_active"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["province", "commune"]
    raw_id_fields = ["commune"]
    search_fields = ["name", "name_km"]


@admin.register(Notification)
class NotificationAdmin(AuditedAdminMixin, WrittenByServicesAdmin):
    audit_case_path = "reminder__visit__case_id"
    related_fields = ("recipient", "reminder")
    organisation_path = "recipient__membership__organisation"
    list_display = ["recipient", "text", "created_at", "read_at"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "reminder"]


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(AuditedAdminMixin, WrittenByServicesAdmin):
    audit_case_path = "reminder__visit__case_id"
    related_fields = ("reminder", "recipient")
    organisation_path = "recipient__membership__organisation"
    list_display = ["reminder", "address", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    raw_id_fields = ["reminder", "recipient"]
    readonly_fields = [
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "last_error",
    ]
