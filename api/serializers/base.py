from rest_framework import serializers

from cases import visibility


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

    def case_id_of(self, instance) -> int:
        """The case the instance belongs to; a record under another record says how."""
        return instance.pk if instance._meta.label == "cases.Case" else instance.case_id

    def to_representation(self, instance):
        """Survivor data as the caller may see it: every field of the model that is not in a
        category the caller sees of the case (cases.visibility) is null, undeclared ones too."""
        data = super().to_representation(instance)
        label = instance._meta.label
        if label not in visibility.FIELDS or "categories" not in self.context:
            return data
        case_id = self.case_id_of(instance)
        shown = visibility.visible_fields(label, self.context["categories"].get(case_id, ()))
        model_fields = {field.name for field in instance._meta.get_fields()}
        for name in data:
            if name in model_fields and name not in shown:
                data[name] = None
        return data
