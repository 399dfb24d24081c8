"""Edit versions: the web forms' answer to lost updates, as ETag/If-Match is the API's.

An edit form carries, in a hidden field, a signed fingerprint of the fields it edits as they
were when the form was opened. The service that saves locks the row and compares: if any of
those fields changed since, the edit is refused with the names and current values of what
changed, and the form keeps what the person typed. Fingerprints are keyed hashes, so the page
holds no more than the form already shows."""

from collections.abc import Iterable

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.crypto import salted_hmac
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

SALT = "webforms.version"


def _value(instance: Model, name: str) -> str:
    field = instance._meta.get_field(name)
    if field.many_to_many:
        return ",".join(
            str(pk) for pk in sorted(getattr(instance, name).values_list("pk", flat=True))
        )
    return repr(getattr(instance, field.attname))


def _fingerprint(instance: Model, name: str) -> str:
    return salted_hmac(SALT, f"{instance.pk}:{name}={_value(instance, name)}").hexdigest()[:16]


def version_for(instance: Model, fields: Iterable[str]) -> str:
    label = instance._meta.label_lower
    prints = {name: _fingerprint(instance, name) for name in fields}
    return signing.dumps({"m": label, "pk": instance.pk, "f": prints}, salt=SALT, compress=True)


class StaleEdit(ValidationError):
    """The record changed since the form was opened; `changed` names the fields."""

    def __init__(self, instance: Model, changed: list[str]):
        self.instance = instance
        self.changed = changed
        labels = ", ".join(str(instance._meta.get_field(name).verbose_name) for name in changed)
        super().__init__(
            format_lazy(
                "{} {}",
                _("Someone else saved this record after you opened the form: %(fields)s.")
                % {"fields": labels},
                _("Nothing was saved. Your entries are kept below: check them and save again."),
            ),
            code="stale",
        )


def changed_since(instance: Model, version: str, fields: Iterable[str]) -> list[str]:
    try:
        data = signing.loads(version, salt=SALT)
    except signing.BadSignature as error:
        raise ValidationError(
            _("The form is damaged. Reload the page."), code="bad_version"
        ) from error
    if data.get("m") != instance._meta.label_lower or data.get("pk") != instance.pk:
        raise ValidationError(_("The form is damaged. Reload the page."), code="bad_version")
    prints = data.get("f") or {}
    return [name for name in fields if prints.get(name) != _fingerprint(instance, name)]


def check_version(instance: Model, version: str | None, fields: Iterable[str]) -> None:
    """Call with the row locked (select_for_update) inside the saving transaction. No version
    (an API client, which has If-Match instead) means no check."""
    if not version:
        return
    changed = changed_since(instance, version, list(fields))
    if changed:
        raise StaleEdit(instance, changed)
