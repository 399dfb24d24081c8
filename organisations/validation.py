"""A model's `full_clean` in as few database round trips as it needs.

Django asks the database once for each foreign key (does the row exist?) and once for each
check constraint, each of those in a savepoint of its own: three round trips a constraint. A
case's `full_clean` made 22 of them, and every service that writes a case calls it; the demo
seed spent a quarter of its time there. Every model of the project validates through
`ValidatedModel` instead (tests/test_validation.py holds them to it):

- A foreign key whose object the instance holds, read from the database, is not looked up
  again. The object was there when it was read; the database's own constraint refuses a row
  deleted since, as it would after Django's lookup, which is no less a moment old.
- Every check constraint of the model is tested in one query, in one savepoint, with the
  message and code Django gives. Should that query fail (a value the database cannot
  compare), each constraint is tested alone, as Django does.

Unique fields and unique constraints are tested as Django tests them."""

from contextlib import nullcontext

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, router, transaction
from django.db.models import BooleanField, CheckConstraint, ExpressionWrapper, Field, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE


class ValidatedModel:
    """Put before `models.Model` (or the model's other base) in a model's bases."""

    def clean_fields(self, exclude=None):
        exclude = set(exclude or ())
        held = [f for f in self._meta.concrete_fields if f.name not in exclude and _holds(self, f)]
        errors = {}
        try:
            super().clean_fields(exclude=exclude | {field.name for field in held})
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in held:
            value = getattr(self, field.attname)
            try:
                Field.validate(field, value, self)  # what ForeignKey.validate asks besides
                field.run_validators(value)
            except ValidationError as error:
                errors[field.name] = error.error_list
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(type(self), instance=self)
        errors = {}
        checks: dict[type, list[CheckConstraint]] = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                if type(constraint) is CheckConstraint:
                    checks.setdefault(model_class, []).append(constraint)
                    continue
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    # as Model.validate_constraints files them
                    if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        for model_class, constraints in checks.items():
            against = self._get_field_expression_map(meta=model_class._meta, exclude=exclude)
            for constraint in _failing(constraints, against, using):
                error = ValidationError(
                    constraint.get_violation_error_message(), code=constraint.violation_error_code
                )
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def _holds(instance, field) -> bool:
    """Whether the instance holds the object its foreign key names, as read from the
    database: an object being added may not be there yet."""
    if not (field.many_to_one or field.one_to_one) or field.get_limit_choices_to():
        return False
    if not field.is_cached(instance):
        return False
    related = field.get_cached_value(instance)
    return (
        related is not None
        and not related._state.adding
        and getattr(related, field.target_field.attname) == getattr(instance, field.attname)
    )


def _failing(constraints: list[CheckConstraint], against: dict, using: str) -> list:
    """The check constraints the values `against` break, asked in one query: a constraint
    holds where its condition is true or unknown (NULL), as in the database. One that
    names a field left out of `against` (excluded from validation) is not asked, as Django
    does not ask it."""
    query = Query(None)
    for name, value in against.items():
        query.add_annotation(
            value if hasattr(value, "resolve_expression") else Value(value), name, select=False
        )
    asked = []
    for constraint in constraints:
        holds = Coalesce(
            ExpressionWrapper(Q(constraint.condition), output_field=BooleanField()),
            Value(True),
            output_field=BooleanField(),
        )
        try:
            query.add_annotation(holds, f"holds_{len(asked)}")
        except FieldError:
            continue
        asked.append(constraint)
    if not asked:
        return []
    connection = connections[using]
    savepoint = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
    try:
        with savepoint:
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError:
        return [c for c in asked if not Q(c.condition).check(against, using=using)]
    return [constraint for constraint, holds in zip(asked, row, strict=True) if not holds]
