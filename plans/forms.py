from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from cases.models import ClosureReason
from followup.models import CommunityResource
from webforms.forms import OnceFormMixin

from .models import (
    Action,
    CommunityPreparation,
    Domain,
    FamilyAssessment,
    Goal,
    LivelihoodFact,
    Occasion,
    Score,
    ServiceDelivery,
)


class AssessmentForm(OnceFormMixin, forms.Form):
    """A score and a note for each domain the assessor may see."""

    assessed_on = forms.DateField(label=_("Date of the assessment"), widget=DateInput())
    occasion = forms.ChoiceField(label=_("Occasion"), choices=Occasion.choices)

    def __init__(self, *args, domains: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()
        self.domains = [d for d in Domain.values if d in domains]
        for domain in self.domains:
            label = Domain(domain).label
            self.fields[f"score_{domain}"] = forms.TypedChoiceField(
                label=label, choices=[("", "—"), *Score.choices], coerce=int
            )
            self.fields[f"note_{domain}"] = forms.CharField(
                label=_("Note: %(domain)s") % {"domain": label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def scores(self) -> dict[str, tuple[int, str]]:
        data = self.cleaned_data
        return {d: (data[f"score_{d}"], data[f"note_{d}"]) for d in self.domains}


class FamilyAssessmentForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = FamilyAssessment
        fields = [
            "visited_on",
            "people_met",
            "family_attitude",
            "community_attitude",
            "family_member_involved",
            "risks",
            "recommendation",
            "alternative_option",
            "reason",
        ]
        widgets = {
            "visited_on": DateInput(),
            "risks": forms.Textarea(attrs={"rows": 3}),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def _post_clean(self):
        pass  # the service validates the whole assessment


class CommunityPreparationForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = CommunityPreparation
        fields = ["resource", "met_on", "agreed_to"]
        widgets = {"met_on": DateInput()}

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        province = case.origin_province_id
        self.fields["resource"].queryset = CommunityResource.objects.filter(
            is_active=True, province_id=province
        ).order_by("kind", "name")
        self.fields["resource"].help_text = _(
            "People and places of the survivor's home province, from the community resource "
            "directory (Follow-up → Community resources) where you can add one."
        )
        self.fields["resource"].error_messages["invalid_choice"] = _(
            "Choose a community resource of the survivor's home province."
        )

    def _post_clean(self):
        pass


class GoalForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["domain", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, domains: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [c for c in Domain.choices if c[0] in domains]

    def _post_clean(self):
        pass


class ActionForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = Action
        fields = ["goal", "what", "provider_kind", "referral", "resource", "target_date"]
        widgets = {"target_date": DateInput()}

    def __init__(self, *args, plan, referrals, resources, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals
        self.fields["goal"].label_from_instance = lambda g: (
            f"{g.get_domain_display()}: {g.description[:60]}"
        )
        self.fields["referral"].queryset = referrals
        self.fields["resource"].queryset = resources

    def _post_clean(self):
        pass


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClosureRequestForm(OnceFormMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=ClosureReason.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ServiceDeliveryForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = ServiceDelivery
        fields = ["delivered_on", "provider", "note"]
        widgets = {"delivered_on": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivered_on"].initial = timezone.localdate()

    def _post_clean(self):
        pass


class LivelihoodForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = LivelihoodFact
        fields = [
            "kind",
            "course",
            "provider",
            "started_on",
            "ended_on",
            "completed",
            "employer_kind",
            "monthly_income_riel",
            "support_kind",
            "amount_riel",
        ]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def _post_clean(self):
        pass
