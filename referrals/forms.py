from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from webforms.forms import OnceFormMixin

from .models import Service, Urgency


class ReferralForm(OnceFormMixin, forms.Form):
    to_organisation = forms.ModelChoiceField(
        label=_("Refer to"), queryset=Organisation.objects.none()
    )
    service = forms.ChoiceField(label=_("Service"), choices=Service.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    reason = forms.CharField(
        label=_("Reason for the referral"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the survivor needs; the receiving organisation reads this."),
    )
    shares_identity = forms.BooleanField(
        label=_("Share identity (names, date of birth, family contact)"), required=False
    )
    shares_case_facts = forms.BooleanField(
        label=_("Share case facts (how the survivor was trafficked and identified)"),
        required=False,
    )
    shares_health = forms.BooleanField(
        label=_("Share health facts (HIV status, health and legal notes, counselling notes)"),
        required=False,
    )
    override_reason = forms.CharField(
        label=_("Reason for sending without consent (supervisors only)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "Leave empty unless no active consent covers this referral and the survivor's "
            "safety requires it. Overrides are recorded and shown to your administrator."
        ),
    )

    def __init__(self, *args, organisation_id: int, can_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = (
            Organisation.objects.filter(is_active=True).exclude(pk=organisation_id).order_by("name")
        )
        if not can_override:
            del self.fields["override_reason"]


class DeclineForm(forms.Form):
    decline_reason = forms.CharField(
        label=_("Reason for declining"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CompleteForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}))
