from django import forms
from django.utils.translation import gettext_lazy as _

from webforms.forms import OnceFormMixin, VersionedFormMixin

from .models import Event


class EndpointFields(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("Where Homecoming posts the events, e.g. https://partner.example.org/hooks."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=100,
        required=False,
        help_text=_("Which system receives them, e.g. “IOM case database”."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class WebhookEndpointForm(OnceFormMixin, EndpointFields):
    """Add an endpoint: created once however often the form is sent."""


class WebhookEndpointEditForm(VersionedFormMixin, EndpointFields):
    """Change an endpoint; refused if someone else saved it since the form was opened."""

    versioned_fields = ("url", "description", "events")
