from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CrossBorderReturn, IssuingAuthority, Route, Step
from .selectors import family_assessments_for_return

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReturnForm(forms.ModelForm):
    class Meta:
        model = CrossBorderReturn
        fields = ["direction", "country", "identified_on", "receiving_agency"]
        widgets = {"identified_on": DATE, "receiving_agency": forms.TextInput()}


class FamilyAssessmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, assessment) -> str:
        return f"{assessment.visited_on.isoformat()} · {assessment.get_recommendation_display()}"


# What each step asks beside its date and note.
STEP_FIELDS = {
    Step.DOCUMENT_APPLIED: ("document_authority",),
    Step.DOCUMENT_ISSUED: ("document_authority",),
    Step.FAMILY_ASSESSED: ("family_assessment",),
    Step.AGENCY_ACCEPTED: ("receiving_agency",),
    Step.TRAVELLED: ("route", "route_other"),
    Step.HANDED_OVER: ("received_by", "handover_place"),
}


class StepForm(forms.Form):
    """One step of the checklist: its date, a note, and what the step brings."""

    done_on = forms.DateField(label=_("Done on"), widget=DATE)
    document_authority = forms.ChoiceField(
        label=_("Issuing authority"), choices=[("", "---------"), *IssuingAuthority.choices]
    )
    family_assessment = FamilyAssessmentChoice(
        label=_("Family assessment (reintegration plan)"), queryset=None, required=False
    )
    receiving_agency = forms.CharField(label=_("Agency in the other country"), required=False)
    route = forms.ChoiceField(label=_("Route"), choices=[("", "---------"), *Route.choices])
    route_other = forms.CharField(label=_("Other route"), required=False)
    received_by = forms.CharField(label=_("Received by"))
    handover_place = forms.CharField(label=_("Place of the handover"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who else took part: the embassy, the receiving agency, an interpreter."),
    )

    def __init__(self, *args, step: str, cross_border_return: CrossBorderReturn, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = {"done_on", "note", *STEP_FIELDS.get(step, ())}
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        if "family_assessment" in self.fields:
            self.fields["family_assessment"].queryset = family_assessments_for_return(
                cross_border_return.case
            )
        if "receiving_agency" in self.fields:
            self.fields["receiving_agency"].initial = cross_border_return.receiving_agency
        if step == Step.DOCUMENT_ISSUED:
            self.fields["document_authority"].initial = cross_border_return.document_authority

    def service_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value is not None}
