from rest_framework import serializers


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
