"""The reintegration plan in the Django admin: an organisation's administrator looks through
their own organisation's plans, assessments and approvals (and nobody else's). Every change is
made in the app, through the plan's services and its approval rules, so the admin only shows."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.reads import AuditedAdminMixin
from cases.admin import ReadOnlyAdmin

from .models import (
    Approval,
    CommunityPreparation,
    DomainScore,
    FamilyAssessment,
    Goal,
    LivelihoodFact,
    NeedsAssessment,
    Plan,
    ServiceDelivery,
)


class ShownInline(admin.TabularInline):
    """Rows of a record shown with it, never changed here."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        # Whoever may look at the record (already scoped to their organisation) sees its rows.
        return self.admin_site._registry[self.parent_model].has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class GoalInline(ShownInline):
    model = Goal
    fields = ["domain", "description", "actions_planned"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("actions")

    @admin.display(description=_("Actions"))
    def actions_planned(self, goal: Goal) -> str:
        return "; ".join(
            f"{action.what} ({action.target_date}, {action.get_status_display()})"
            for action in goal.actions.all()
        )


class PlanRecordAdmin(AuditedAdminMixin, ReadOnlyAdmin):
    organisation_path = "case__organisation"
    list_select_related = ["case"]
    search_fields = ["case__case_number"]


@admin.register(Plan)
class PlanAdmin(PlanRecordAdmin):
    list_display = ["case", "version", "status", "review_date", "submitted_at", "updated_at"]
    list_filter = ["status"]
    inlines = [GoalInline]


@admin.register(Approval)
class ApprovalAdmin(PlanRecordAdmin):
    list_display = ["case", "kind", "status", "requested_by", "requested_at", "decided_by"]
    list_filter = ["kind", "status"]
    list_select_related = ["case", "requested_by", "decided_by"]


class DomainScoreInline(ShownInline):
    model = DomainScore
    fields = ["domain", "score", "note"]
    readonly_fields = fields


@admin.register(NeedsAssessment)
class NeedsAssessmentAdmin(PlanRecordAdmin):
    list_display = ["case", "assessed_on", "occasion", "assessed_by"]
    list_filter = ["occasion"]
    list_select_related = ["case", "assessed_by"]
    inlines = [DomainScoreInline]


@admin.register(FamilyAssessment)
class FamilyAssessmentAdmin(PlanRecordAdmin):
    list_display = ["case", "visited_on", "recommendation", "alternative_option"]
    list_filter = ["recommendation", "alternative_option"]


@admin.register(CommunityPreparation)
class CommunityPreparationAdmin(PlanRecordAdmin):
    list_display = ["case", "met_on", "resource"]
    list_select_related = ["case", "resource"]


@admin.register(LivelihoodFact)
class LivelihoodFactAdmin(PlanRecordAdmin):
    list_display = ["case", "kind", "started_on", "ended_on", "monthly_income_riel"]
    list_filter = ["kind"]


@admin.register(ServiceDelivery)
class ServiceDeliveryAdmin(PlanRecordAdmin):
    list_display = ["case", "delivered_on", "provider"]
