"""A field's choice label, as `get_<field>_display()` shows it and the timeline keeps it.

Django's `get_<field>_display()` rebuilds the field's whole table of choices on every call,
translating each label to hash it: a referral's service among 19 costs some 500 calls, and
a case page shows dozens of such labels. The table is built once per field here, its labels
left lazy so that each is translated into the reader's language when shown."""

from functools import cache, partialmethod

from django.db.models import Field, Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


@cache
def labels_of(field: Field) -> dict:
    """The field's choices, value to (lazy) label."""
    return dict(make_hashable(field.flatchoices))


def _display(self: Model, field: Field) -> str:
    # Django's Model._get_FIELD_display, with the table kept.
    value = getattr(self, field.attname)
    return force_str(labels_of(field).get(make_hashable(value), value), strings_only=True)


def install(models) -> None:
    """Give each model's `get_<field>_display` the kept table where Django made the method
    (not where a model writes its own) and the choices are a fixed list: choices that are
    computed (the countries, named and sorted in the reader's language) keep Django's."""
    for model in models:
        for field in model._meta.concrete_fields:
            name = f"get_{field.name}_display"
            made_by_django = isinstance(model.__dict__.get(name), partialmethod)
            if made_by_django and isinstance(field.choices, list | tuple):
                setattr(model, name, partialmethod(_display, field=field))
