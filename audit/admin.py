from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

from .models import AccessEvent
from .reads import AuditedAdminMixin


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """Superusers only, and read-only: organisation administrators read theirs at /audit/."""

    list_display = ["occurred_at", "user", "organisation", "action", "denied", "case", "channel"]
    list_filter = ["action", "channel", "denied"]
    list_select_related = ["user", "organisation", "case"]
    date_hierarchy = "occurred_at"

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The change history names the record changed and its workflow fields (phase, status, dates):
# reading it is a read of survivors' records.
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditedLogEntryAdmin(AuditedAdminMixin, LogEntryAdmin):
    audit_case_path = None  # a history row names its record by type and id, not by case
