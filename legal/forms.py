from django import forms

from .models import Compensation, Hearing, LegalProceeding, ProtectionMeasure

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class LegalProceedingForm(forms.ModelForm):
    class Meta:
        model = LegalProceeding
        fields = ["kind", "court", "file_number", "lawyer", "charges", "survivor_role", "status"]
        widgets = {
            "court": forms.TextInput(),
            "file_number": forms.TextInput(),
            "lawyer": forms.TextInput(),
            "charges": TEXT,
        }


class HearingForm(forms.ModelForm):
    class Meta:
        model = Hearing
        fields = [
            "date", "time", "court", "purpose", "accompanied_by", "transport",
            "testimony_arrangement",
        ]  # fmt: skip
        widgets = {
            "date": DATE,
            "time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "court": forms.TextInput(),
            "purpose": forms.TextInput(),
            "accompanied_by": forms.TextInput(),
            "transport": forms.TextInput(),
        }


class HearingMoveForm(forms.ModelForm):
    class Meta:
        model = Hearing
        fields = ["date", "time"]
        widgets = {
            "date": DATE,
            "time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


class HearingCancelForm(forms.Form):
    """Nothing to fill in: the page asks, the button confirms."""


class HearingRecordForm(forms.ModelForm):
    class Meta:
        model = Hearing
        fields = ["attendance", "accompanied_by", "testimony_arrangement", "outcome"]
        widgets = {"accompanied_by": forms.TextInput(), "outcome": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendance"].required = True


class ProtectionMeasureForm(forms.ModelForm):
    class Meta:
        model = ProtectionMeasure
        fields = ["kind", "starts_on", "ends_on", "notes"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "notes": TEXT}


class CompensationForm(forms.ModelForm):
    class Meta:
        model = Compensation
        fields = ["ordered_riel", "ordered_on", "paid_riel", "paid_on"]
        widgets = {"ordered_on": DATE, "paid_on": DATE}
