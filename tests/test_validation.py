"""Models validate in a few round trips (organisations.validation) and say what Django says."""

import datetime as dt
from functools import partial
from unittest import mock

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, models
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseExploitation, ClosureReason, CounsellingSession, Phase
from organisations.validation import ValidatedModel
from referrals.models import Referral

pytestmark = pytest.mark.django_db

PROJECT_APPS = {
    "api", "audit", "cases", "dashboards", "documents", "followup", "legal", "ops",
    "organisations", "plans", "primero", "referrals", "returns", "transfers", "webhooks",
}  # fmt: skip


def errors_of(steps, **kwargs) -> dict | None:
    """What the validation steps say together, as full_clean gathers it."""
    errors = {}
    for step in steps:
        try:
            step(**kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    return ValidationError(errors).message_dict if errors else None


def djangos(instance, **kwargs) -> dict | None:
    """What Django's own validation says of the instance."""
    steps = (models.Model.clean_fields, models.Model.validate_constraints)
    return errors_of([partial(step, instance) for step in steps], **kwargs)


def ours(instance, **kwargs) -> dict | None:
    return errors_of([instance.clean_fields, instance.validate_constraints], **kwargs)


def test_every_model_of_the_project_validates_through_it():
    models_of_the_project = [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and not model._meta.auto_created
    ]
    assert len(models_of_the_project) > 40
    assert [m.__name__ for m in models_of_the_project if not issubclass(m, ValidatedModel)] == []


def a_case(case) -> Case:
    """The case as a service holds it: read with the objects its keys name."""
    return Case.objects.select_related(
        "organisation",
        "assigned_worker",
        "created_by",
        "origin_province",
        "origin_commune",
        "origin_village",
    ).get(pk=case.pk)


def test_a_cases_full_clean_asks_the_database_a_few_times_not_twenty(case):
    held = a_case(case)
    with CaptureQueriesContext(connection) as captured:
        held.full_clean()
    # the unique case number, and every check constraint in one query, in a savepoint
    # (PostgreSQL's and SQLite's SAVEPOINT and RELEASE are statements too)
    asked = [q["sql"] for q in captured]
    assert len([q for q in asked if "SAVEPOINT" not in q]) == 2, asked
    assert len(asked) == 4, asked


@pytest.mark.parametrize(
    "change",
    [
        {"risk_level": "unheard of"},
        {"phase": Phase.CLOSED, "closure_reason": ""},
        {"movement": "internal", "destination_country": "TH"},
        {"nationality": "KH", "origin_province_id": None},
        {"origin_province_id": None, "origin_commune_id": None, "nationality": "VN"},
        {"phase": Phase.CLOSED, "closure_reason": ClosureReason.REINTEGRATION_COMPLETED},
        {"assigned_worker_id": 987654},
        {"organisation_id": 987654},
        {},
    ],
    ids=lambda change: ",".join(change) or "as it is",
)
def test_a_case_gets_the_errors_django_gives(case, change):
    held = a_case(case)
    for name, value in change.items():
        setattr(held, name, value)
    assert ours(held) == djangos(held)


def test_a_constraint_on_a_field_left_out_is_not_asked_as_in_django(case):
    held = a_case(case)
    held.risk_level = "unheard of"
    assert ours(held, exclude={"risk_level"}) == djangos(held, exclude={"risk_level"}) is None
    assert "risk_level_known" in str(ours(held))


def test_other_models_get_the_errors_django_gives(case, owner):
    exploitation = CaseExploitation(
        case=case, form="sexual", started_on=dt.date(2026, 5, 2), ended_on=dt.date(2026, 5, 1)
    )
    session = CounsellingSession(case=case, counsellor=owner, duration_minutes=0)
    referral = Referral(
        case=case, from_organisation=case.organisation, to_organisation=case.organisation
    )
    for instance in (exploitation, session, referral):
        said = ours(instance)
        assert said == djangos(instance)
        assert said  # each breaks one of its constraints at least


def test_a_key_to_an_object_not_yet_saved_is_still_looked_up(case, owner):
    held = a_case(case)
    held.assigned_worker = type(owner)(pk=987654, username="nobody")  # not in the database
    held.assigned_worker._state.adding = True
    assert "assigned_worker" in ours(held)
    assert ours(held) == djangos(held)


def test_when_the_one_query_fails_each_constraint_is_asked_alone(case):
    held = a_case(case)
    held.risk_level = "unheard of"
    real = SQLCompiler.execute_sql
    failed = []

    def fail_once(compiler, *args, **kwargs):
        if not failed and "holds_0" in compiler.as_sql()[0]:
            failed.append(True)
            raise DatabaseError("cannot compare")
        return real(compiler, *args, **kwargs)

    with mock.patch.object(SQLCompiler, "execute_sql", fail_once):
        said = ours(held)
    assert failed
    assert said == djangos(held)
    assert "risk_level_known" in str(said)
