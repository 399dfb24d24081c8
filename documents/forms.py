from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category


class DocumentForm(forms.Form):
    """The file's type and size are checked by the service, from its content."""

    category = forms.ChoiceField(label=_("Category"), choices=())
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, categories: set[str], initial_category: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            (value, label) for value, label in Category.choices if value in categories
        ]
        if initial_category in categories:
            self.fields["category"].initial = initial_category
