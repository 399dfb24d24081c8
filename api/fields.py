"""Input fields that refuse what the services cannot hold, so odd input answers 400, not 500."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)
MAX_ID = 2**63 - 1


class SaneDateField(serializers.DateField):
    """A date between 1900 and 2199: enough for any survivor's life and any plan."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not EARLIEST <= day <= LATEST:
            raise serializers.ValidationError(
                f"Give a date between {EARLIEST.isoformat()} and {LATEST.isoformat()}."
            )
        return day


class VisiblePrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An id looked up in a queryset the view scopes to the caller, so an object the caller
    may not see answers as one that does not exist."""

    def __init__(self, *, scope, model, **kwargs):
        # The empty queryset only tells the schema the id's type; lookups use the scope.
        self.scope = scope
        super().__init__(queryset=model.objects.none(), **kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].user)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            number = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= number <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(number)


class SaneDateTimeFormField(IsoDateTimeField):
    def clean(self, value):
        moment = super().clean(value)
        if moment is not None and not EARLIEST.year <= moment.year <= LATEST.year:
            raise ValidationError(f"Give a time between {EARLIEST.year} and {LATEST.year}.")
        return moment


class SinceFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 time, e.g. 2026-05-01T00:00:00Z, within the years 1900 to 2199."""

    field_class = SaneDateTimeFormField


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.Filter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
