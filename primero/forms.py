import json

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput, PlaceFields
from cases.models import ExploitationForm, HowIdentified, Movement, Sex
from cases.services import Exploitation
from organisations.models import Organisation

from .models import AuthMode


class ConnectionForm(forms.Form):
    base_url = forms.URLField(label=_("Primero address"), max_length=300, assume_scheme="https")
    username = forms.CharField(label=_("Integration account"), max_length=150)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the saved one."),
    )
    auth_mode = forms.ChoiceField(label=_("Sign-in"), choices=AuthMode.choices)
    recipient = forms.CharField(
        label=_("Primero recipient"),
        max_length=150,
        help_text=_("The Primero user whose incoming referrals come into this inbox."),
    )
    routes = forms.CharField(
        label=_("Organisations reached through Primero"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: organisation slug = Primero user."),
    )
    field_mapping = forms.CharField(
        label=_("Field mapping (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_routes(self) -> dict:
        routes = {}
        for line in self.cleaned_data["routes"].splitlines():
            if not line.strip():
                continue
            slug, _sep, user_name = (part.strip() for part in line.partition("="))
            organisation = Organisation.objects.filter(slug=slug, is_active=True).first()
            if organisation is None or not user_name:
                raise forms.ValidationError(
                    _("“%(line)s” is not an organisation slug = a Primero user.")
                    % {"line": line.strip()[:80]}
                )
            routes[organisation] = user_name
        return routes

    def clean_field_mapping(self) -> dict:
        text = self.cleaned_data["field_mapping"].strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Write the mapping as a JSON object."))
        return value


class InboundAcceptForm(PlaceFields):
    """What Homecoming needs to register the survivor, filled from what Primero shared."""

    name_latin = forms.CharField(label=_("Name (Latin script)"), max_length=150)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DateInput)
    date_of_birth_estimated = forms.BooleanField(
        label=_("Date of birth is estimated"), required=False
    )
    exploitation_form = forms.ChoiceField(
        label=_("Form of exploitation"), choices=ExploitationForm.choices
    )
    movement = forms.ChoiceField(label=_("Internal or cross-border"), choices=Movement.choices)
    how_identified = forms.ChoiceField(label=_("How identified"), choices=HowIdentified.choices)
    intake_date = forms.DateField(label=_("Intake date"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_places()

    def case_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["exploitations"] = [Exploitation(form=data.pop("exploitation_form"))]
        for name in ("origin_province", "origin_district", "origin_commune", "origin_village"):
            data.pop(name, None)
        return {**data, **self.place_arguments()}


class InboundDeclineForm(forms.Form):
    decline_reason = forms.CharField(
        label=_("Reason for declining"), widget=forms.Textarea(attrs={"rows": 3})
    )
