from django.contrib import admin

from .models import AccessEvent


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
