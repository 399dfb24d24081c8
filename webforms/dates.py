"""A date far outside a survivor's life is a typing slip or a probe, and arithmetic on it
overflows (year 1 minus a day, year 9999 plus a month). Every date and date-time field of
every form (filters included) and of the API refuses it by default, so no page or service
has to remember."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

EARLIEST = dt.date(1850, 1, 1)
LATEST = dt.date(2150, 12, 31)


def validate_plausible_date(value: dt.date | dt.datetime | None) -> None:
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(
            _("Give a date between %(earliest)s and %(latest)s."),
            code="implausible_date",
            params={"earliest": date_format(EARLIEST), "latest": date_format(LATEST)},
        )


# A whole number a 64-bit column can hold; a longer one is a probe, not a figure.
validate_storable_integer = [
    MinValueValidator(-(2**63)),
    MaxValueValidator(2**63 - 1),
]


def refuse_implausible_dates() -> None:
    """Add the range check to the default validators of the date fields Django's forms and
    DRF's serializers build, model forms, django-filter and the admin included."""
    for field in (
        forms.DateField,
        forms.DateTimeField,
        serializers.DateField,
        serializers.DateTimeField,
    ):
        if validate_plausible_date not in field.default_validators:
            field.default_validators = [*field.default_validators, validate_plausible_date]
    for field in (forms.IntegerField, serializers.IntegerField):
        if validate_storable_integer[0] not in field.default_validators:
            field.default_validators = [*field.default_validators, *validate_storable_integer]
