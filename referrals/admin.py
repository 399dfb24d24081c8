from django.contrib import admin

from audit.reads import AuditedAdminMixin
from organisations.admin import OrganisationScopedAdmin

from .models import Referral


@admin.register(Referral)
class ReferralAdmin(AuditedAdminMixin, OrganisationScopedAdmin):
    """Referrals the organisation sent; written only by services, so read-only here."""

    organisation_path = "from_organisation"
    list_display = [
        "case",
        "to_organisation",
        "service",
        "urgency",
        "status",
        "sent_at",
        "overridden_by",
    ]
    list_filter = ["status", "service", "urgency"]
    list_select_related = ["case", "to_organisation", "overridden_by"]
    search_fields = ["case__case_number"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would bypass the services that end the receiver's access.
        return False
