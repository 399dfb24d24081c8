from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from organisations.models import Commune
from organisations.services import village_find

from .models import (
    Case,
    ClosureReason,
    CounsellingSession,
    HivStatus,
    Phase,
)


class DateInput(forms.DateInput):
    input_type = "date"


class CaseForm(forms.ModelForm):
    """Identity and trafficking facts. Places are typed as official codes, which workers copy
    from the commune's paperwork; the browser app replaces this with pickers."""

    origin_village_code = forms.CharField(
        label=_("village of origin (code)"), max_length=8, required=False
    )
    origin_commune_code = forms.CharField(
        label=_("commune of origin (code)"), max_length=8, required=False
    )

    class Meta:
        model = Case
        fields = [
            "name_latin",
            "name_khmer",
            "sex",
            "date_of_birth",
            "date_of_birth_estimated",
            "family_contact",
            "exploitation_form",
            "movement",
            "destination_country",
            "how_identified",
            "intake_date",
            "risk_level",
        ]
        widgets = {"date_of_birth": DateInput(), "intake_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.instance
        if case.pk:
            self.initial.setdefault("origin_commune_code", case.origin_commune_id or "")
            if case.origin_village_id:
                self.initial.setdefault("origin_village_code", case.origin_village.code)

    def clean(self):
        data = super().clean()
        village_code = data.get("origin_village_code", "").strip()
        commune_code = data.get("origin_commune_code", "").strip()
        data["origin_village"] = data["origin_commune"] = None
        if commune_code:
            data["origin_commune"] = Commune.objects.filter(code=commune_code).first()
            if data["origin_commune"] is None:
                self.add_error(
                    "origin_commune_code",
                    _("No commune has the code %(code)s.") % {"code": commune_code},
                )
        if village_code:
            try:
                data["origin_village"] = village_find(code=village_code, commune_code=commune_code)
            except ValidationError as error:
                self.add_error("origin_village_code", error)
        if not village_code and not commune_code:
            self.add_error("origin_village_code", _("Give the village or commune of origin."))
        return data

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("origin_village_code")
        data.pop("origin_commune_code")
        return data

    def _post_clean(self):
        # Model validation happens in the service, which sees the whole case.
        pass


class SensitiveFactsForm(forms.Form):
    hiv_status = forms.ChoiceField(label=_("HIV status"), choices=HivStatus.choices)
    health_notes = forms.CharField(label=_("health notes"), widget=forms.Textarea, required=False)
    legal_details = forms.CharField(
        label=_("legal case details"), widget=forms.Textarea, required=False
    )


class PhaseChangeForm(forms.Form):
    to_phase = forms.ChoiceField(label=_("move to"), choices=Phase.choices)
    closure_reason = forms.ChoiceField(
        label=_("closure reason"),
        choices=[("", "—"), *ClosureReason.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            # Offer only the moves the survivor's path allows from here.
            from .services import ALLOWED_TRANSITIONS

            allowed = ALLOWED_TRANSITIONS[case.phase]
            self.fields["to_phase"].choices = [c for c in Phase.choices if c[0] in allowed]


class CounsellingSessionForm(forms.ModelForm):
    class Meta:
        model = CounsellingSession
        fields = [
            "session_date",
            "kind",
            "setting",
            "phase",
            "duration_minutes",
            "topics",
            "confidential_notes",
            "next_session_date",
        ]
        widgets = {"session_date": DateInput(), "next_session_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].required = False

    def _post_clean(self):
        pass
