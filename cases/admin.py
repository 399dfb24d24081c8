from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from audit.reads import AuditedAdminMixin
from organisations.admin import OrganisationScopedAdmin

from . import services
from .models import (
    Case,
    CaseEvent,
    CaseNumberSequence,
    CaseSensitiveFacts,
    Consent,
    CounsellingSession,
)


class ReadOnlyAdmin(OrganisationScopedAdmin):
    """Rows that only services write; the admin shows them."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Case)
class CaseAdmin(AuditedAdminMixin, OrganisationScopedAdmin):
    list_display = ["case_number", "name_latin", "phase", "origin_province", "assigned_worker"]
    list_filter = ["phase", "sex", "minor_at_intake", "nationality", "exploitations__form"]
    search_fields = ["case_number", "name_latin", "name_khmer"]
    list_select_related = ["origin_province", "assigned_worker"]
    raw_id_fields = ["origin_commune", "origin_village"]
    readonly_fields = [
        "case_number",
        "organisation",
        "phase",
        "closure_reason",
        "closed_on",
        "minor_at_intake",
        "origin_province",
    ]

    def has_add_permission(self, request):
        # Cases are registered in the app, which numbers them and starts the timeline.
        return False

    def save_model(self, request, obj, form, change):
        stored = Case.objects.get(pk=obj.pk)
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.EDITABLE_FIELDS
        }
        try:
            if "assigned_worker" in form.changed_data and obj.assigned_worker:
                services.case_assign(actor=request.user, case=stored, worker=obj.assigned_worker)
            if changes:
                services.case_update(actor=request.user, case=stored, **changes)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))


@admin.register(CaseSensitiveFacts)
class CaseSensitiveFactsAdmin(AuditedAdminMixin, ReadOnlyAdmin):
    organisation_path = "case__organisation"
    list_display = ["case", "hiv_status", "updated_at"]
    list_select_related = ["case"]


@admin.register(Consent)
class ConsentAdmin(AuditedAdminMixin, ReadOnlyAdmin):
    organisation_path = "case__organisation"
    list_display = ["case", "purpose", "given_by", "given_on", "expires_on", "withdrawn_on"]
    list_filter = ["purpose", "given_by"]
    list_select_related = ["case"]


@admin.register(CounsellingSession)
class CounsellingSessionAdmin(AuditedAdminMixin, ReadOnlyAdmin):
    organisation_path = "case__organisation"
    list_display = ["case", "session_date", "kind", "setting", "counsellor"]
    list_filter = ["kind", "setting"]
    list_select_related = ["case", "counsellor"]


@admin.register(CaseEvent)
class CaseEventAdmin(AuditedAdminMixin, ReadOnlyAdmin):
    organisation_path = "case__organisation"
    list_display = ["case", "kind", "from_phase", "to_phase", "actor", "occurred_at"]
    list_filter = ["kind"]
    list_select_related = ["case", "actor"]


@admin.register(CaseNumberSequence)
class CaseNumberSequenceAdmin(ReadOnlyAdmin):
    audit_exempt = "Counters of case numbers per organisation and year; no survivor."
    list_display = ["organisation", "year", "last_value"]
