from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .files import max_bytes
from .models import Category


class DocumentForm(forms.Form):
    """The file's type and size are checked by the service, from its content."""

    category = forms.ChoiceField(label=_("Category"), choices=())
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, categories: set[str], initial_category: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            (value, label) for value, label in Category.choices if value in categories
        ]
        self.fields["file"].help_text = _("PDF, JPEG or PNG, up to %(limit)s.") % {
            "limit": filesizeformat(max_bytes())
        }
        if initial_category in categories:
            self.fields["category"].initial = initial_category
