import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import KEY_LIFETIME_DAYS


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Which system uses the key, e.g. “IOM case database”."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=3 * 365, initial=KEY_LIFETIME_DAYS
    )

    def expiry(self, now: dt.datetime) -> dt.datetime:
        return now + dt.timedelta(days=self.cleaned_data["days"])
