import copy
from functools import cache, cached_property
from operator import attrgetter

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils import translation
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject, PrimaryKeyRelatedField

from cases import visibility


@cache
def _field_names(model: type[Model]) -> frozenset[str]:
    return frozenset(field.name for field in model._meta.get_fields())


@cache
def _visible_fields(label: str, categories: frozenset[str]) -> frozenset[str]:
    return frozenset(visibility.visible_fields(label, categories))


def _reader(field: serializers.Field, model: type[Model]):
    """How one output field is read from an instance, as `Serializer.to_representation`
    reads it (None for null, otherwise the field's representation): `(name, read)`. A column
    of the model is read straight from the instance, and a foreign key shown as its id from
    its column, without DRF's generic walk through the field's source; anything else (a
    method field, a nested serializer, a property) goes through the field's own
    `get_attribute`, which may raise SkipField."""
    column = None
    if len(field.source_attrs) == 1:
        try:
            column = model._meta.get_field(field.source_attrs[0])
        except FieldDoesNotExist:  # a property or a method
            column = None
    show = field.to_representation
    if column is not None and column.concrete and not isinstance(field, serializers.BaseSerializer):
        get = attrgetter(column.attname)
        if not column.is_relation:
            return (
                field.field_name,
                lambda instance: None if (v := get(instance)) is None else show(v),
            )
        if (
            isinstance(field, PrimaryKeyRelatedField)
            and field.use_pk_only_optimization()
            and field.pk_field is None
            and column.many_to_one
        ):
            return field.field_name, get

    def read(instance):
        attribute = field.get_attribute(instance)
        pk_only = isinstance(attribute, PKOnlyObject)
        return None if (attribute.pk if pk_only else attribute) is None else show(attribute)

    return field.field_name, read


_BUILT_FIELDS: dict[tuple[type, str | None], dict] = {}


class ReadModelSerializer(serializers.ModelSerializer):
    """A model serializer for output. DRF drops `allow_blank` from read-only fields, so a
    choice a row may leave blank (closure reason, kind shared with) would be missing from the
    schema's enum: it is kept here."""

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        allow_blank = kwargs.get("allow_blank", False)
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if allow_blank and "choices" in kwargs:
            kwargs["allow_blank"] = True
        return kwargs

    def build_relational_field(self, field_name, relation_info):
        # Likewise `allow_null` of a read-only relation, e.g. a case with no assigned worker.
        field_class, kwargs = super().build_relational_field(field_name, relation_info)
        if relation_info.model_field is not None and relation_info.model_field.null:
            kwargs["allow_null"] = True
        return field_class, kwargs

    def build_field(self, field_name, info, model_class, nested_depth):
        # A field outside "bookkeeping" is null for a caller who does not see its category.
        field_class, kwargs = super().build_field(field_name, info, model_class, nested_depth)
        declared = model_class._meta.label in visibility.FIELDS
        category = visibility.field_category(model_class, field_name)
        if declared and category != visibility.BOOKKEEPING:
            kwargs["allow_null"] = True
        return field_class, kwargs

    def get_fields(self):
        """The fields as `ModelSerializer` builds them from the model, built once per class
        (and language: labels are translated) and copied for each serializer: building them
        walked every model field's options, 3.4 ms for the five serializers of a case against
        1.2 ms to copy them.

        Each field is copied shallowly, and bound (named, given its parent) on the copy alone;
        the options it shares with the others are only read (these serializers write
        nothing). A deep copy, as DRF makes of declared fields, builds every field again from
        its arguments, every choice's label copied: 3.5 ms of the web worker's 39 for the
        API's list of 50 cases. A nested serializer, should one be declared, is copied deeply:
        its own fields hold it as their parent, so a shared one would read another request's
        context."""
        key = (type(self), translation.get_language())
        fields = _BUILT_FIELDS.get(key)
        if fields is None:
            fields = _BUILT_FIELDS[key] = super().get_fields()
        return {
            name: copy.deepcopy(field)
            if isinstance(field, serializers.BaseSerializer)
            else copy.copy(field)
            for name, field in fields.items()
        }

    def case_id_of(self, instance) -> int:
        """The case the instance belongs to; a record under another record says how."""
        return instance.pk if instance._meta.label == "cases.Case" else instance.case_id

    @cached_property
    def _readers(self) -> list:
        """The readers of the output fields (`_reader`), worked out once per serializer:
        a list of 50 rows reads each field 50 times, and DRF's walk through the field's
        source cost more than the rest of the page's serialization."""
        return [_reader(field, self.Meta.model) for field in self._readable_fields]

    def fields_of(self, instance) -> dict:
        """The instance's output fields as `Serializer.to_representation` gives them: each
        field's representation, None for null, a field that raises SkipField left out."""
        data = {}
        for name, read in self._readers:
            try:
                data[name] = read(instance)
            except SkipField:
                continue
        return data

    def to_representation(self, instance):
        """Survivor data as the caller may see it: every field of the model that is not in a
        category the caller sees of the case (cases.visibility) is null, undeclared ones too."""
        data = self.fields_of(instance)
        label = instance._meta.label
        if label not in visibility.FIELDS or "categories" not in self.context:
            return data
        case_id = self.case_id_of(instance)
        categories = frozenset(self.context["categories"].get(case_id, ()))
        shown = _visible_fields(label, categories)
        model_fields = _field_names(type(instance))
        for name in data:
            if name in model_fields and name not in shown:
                data[name] = None
        return data
