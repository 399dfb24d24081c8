"""Mixins every web form that edits or creates something carries."""

import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .versions import StaleEdit, version_for

TOKEN_ALPHABET = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class VersionField(forms.CharField):
    """The hidden version: never a change of the record itself (admin change messages,
    changed_data)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def has_changed(self, initial, data) -> bool:
        return False


class VersionedFormMixin:
    """An edit form: carries the version of the record as it was shown (see versions.py).
    `versioned_fields` names the record's fields the form edits; the service checks them."""

    versioned_fields: tuple[str, ...] = ()

    def __init__(self, *args, version_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = VersionField()
        record = version_of if version_of is not None else getattr(self, "instance", None)
        if record is not None and record.pk and not self.is_bound:
            self.initial["version"] = version_for(record, self.versioned_fields)

    def full_clean(self):
        super().full_clean()
        # Kept apart, so cleaned_data stays the service's arguments.
        self._version = getattr(self, "cleaned_data", {}).pop("version", None) or None

    @property
    def version(self) -> str | None:
        return getattr(self, "_version", None)

    def show_stale(self, error: StaleEdit) -> None:
        """Refuse with what changed and its value now; keep what was typed; carry the new
        version so that saving again, after checking, is accepted."""
        self.add_error(None, error)
        record = error.instance
        for name in error.changed:
            if name in self.fields:
                self.add_error(
                    name,
                    _("Changed by someone else; now: %(value)s") % {"value": _shown(record, name)},
                )
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = version_for(record, self.versioned_fields)


def _shown(record, name: str) -> str:
    field = record._meta.get_field(name)
    if field.many_to_many:
        return ", ".join(str(item) for item in getattr(record, name).all()) or "—"
    value = getattr(record, name)
    if field.choices:
        value = getattr(record, f"get_{name}_display")()
    elif isinstance(value, bool):
        value = _("Yes") if value else _("No")
    elif hasattr(value, "isoformat") and value is not None:
        value = date_format(value)
    return str(value) if value not in (None, "") else "—"


class OnceFormMixin:
    """A form that creates something: a one-time token in a hidden field (see submissions.py)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission"] = forms.CharField(
            widget=forms.HiddenInput, required=False, max_length=64
        )
        if not self.is_bound:
            self.initial["submission"] = secrets.token_urlsafe(24)

    def clean_submission(self) -> str:
        token = self.cleaned_data.get("submission", "")
        if token and (len(token) < 16 or not set(token) <= TOKEN_ALPHABET):
            raise ValidationError(gettext_lazy("The form is damaged. Reload the page."))
        return token

    def full_clean(self):
        super().full_clean()
        self._submission = getattr(self, "cleaned_data", {}).pop("submission", "") or ""

    @property
    def submission(self) -> str:
        return getattr(self, "_submission", "")


def show_stale_or(form, error) -> bool:
    """Let an edit form show a stale refusal; False when the error is something else."""
    if isinstance(error, StaleEdit) and isinstance(form, VersionedFormMixin):
        form.show_stale(error)
        return True
    return False
