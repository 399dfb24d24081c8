from django import forms
from django.utils.translation import gettext_lazy as _

from cases.permissions import assignable_workers
from organisations.models import Organisation, User
from webforms.forms import OnceFormMixin

from .permissions import organisations_receiving_transfers


class TransferForm(OnceFormMixin, forms.Form):
    to_organisation = forms.ModelChoiceField(
        label=_("Transfer to"), queryset=Organisation.objects.none()
    )
    reason = forms.CharField(
        label=_("Reason for the transfer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example: the survivor moved to another province. The receiving organisation "
            "reads this before it accepts."
        ),
    )

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = (
            organisations_receiving_transfers().exclude(pk=organisation_id).order_by("name")
        )


class AcceptForm(forms.Form):
    assigned_worker = forms.ModelChoiceField(
        label=_("Social worker who will work on the case"), queryset=User.objects.none()
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        workers = self.fields["assigned_worker"]
        workers.queryset = assignable_workers(organisation).order_by("username")
        workers.label_from_instance = lambda user: user.get_full_name() or user.username


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"), widget=forms.Textarea(attrs={"rows": 3})
    )
