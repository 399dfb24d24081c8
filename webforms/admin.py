from django import forms

from .forms import VersionedFormMixin, VersionField
from .versions import StaleEdit, check_version


class VersionedAdminForm(VersionedFormMixin, forms.ModelForm):
    """An admin change form that refuses a stale save. The admin's change view runs in one
    transaction, so the row locked here stays locked until it is saved."""

    # Declared on the class so the admin's fieldsets render it.
    version = VersionField()

    @property
    def versioned_fields(self) -> tuple[str, ...]:
        concrete = {field.name for field in self._meta.model._meta.concrete_fields}
        return tuple(name for name in self.base_fields if name in concrete)

    def clean(self):
        data = super().clean()
        version = data.get("version")
        if self.instance.pk and version:
            manager = type(self.instance)._default_manager
            locked = manager.select_for_update().get(pk=self.instance.pk)
            try:
                check_version(locked, version, self.versioned_fields)
            except StaleEdit as stale:
                self.show_stale(stale)
        return data
