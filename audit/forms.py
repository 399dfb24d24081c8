from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation

from . import selectors
from .models import Action


class AccessEventFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Person"), queryset=None, required=False, empty_label=_("anyone")
    )
    case = forms.CharField(label=_("Case number"), max_length=32, required=False)
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", _("any"))] + Action.choices, required=False
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = selectors.members_for_filter(organisation)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "user": data["user"],
            "case_number": data["case"].strip(),
            "action": data["action"],
            "since": data["since"],
            "until": data["until"],
        }
