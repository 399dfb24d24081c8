"""`pk__in_ids`: the cases of a list of ids, the same on PostgreSQL (one array parameter) and
SQLite (a plain IN), whatever form the ids come in; anything that is not a whole number is
refused before a query is made, so no text reaches the array."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.lookups import Ids
from cases.models import Case
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(owner):
    return [CaseFactory(actor=owner) for _ in range(3)]


def test_the_cases_of_the_ids_given_in_any_form(three):
    first, second, third = three
    for ids in ([first.pk, third.pk], (str(first.pk), third.pk), Ids([third.pk, first.pk])):
        found = Case.objects.filter(pk__in_ids=ids).order_by("pk")
        assert list(found.values_list("pk", flat=True)) == [first.pk, third.pk]
    assert list(Case.objects.filter(pk__in_ids=[])) == []
    assert Case.objects.exclude(pk__in_ids=[second.pk]).count() == 2
    assert list(Case.objects.filter(pk__in_ids=[first.pk + third.pk + 10**6])) == []


def test_thousands_of_ids_are_one_parameter(three):
    ids = Ids([case.pk for case in three] + list(range(10**7, 10**7 + 5000)))
    with CaptureQueriesContext(connection) as queries:
        assert Case.objects.filter(pk__in_ids=ids).count() == 3
    if connection.vendor == "postgresql":
        # One text literal, not 5,003 placeholders nor an ARRAY[…] of 5,003 constants.
        assert "ARRAY[" not in queries[0]["sql"]
        assert f"{{{three[0].pk},{three[1].pk}," in queries[0]["sql"]


@pytest.mark.parametrize("bad", ["1,2", "1}", "2) OR (1=1", "", None])
def test_anything_but_a_whole_number_is_refused_before_any_query(three, bad):
    with CaptureQueriesContext(connection) as queries, pytest.raises((ValueError, TypeError)):
        list(Case.objects.filter(pk__in_ids=[three[0].pk, bad]))
    assert len(queries) == 0
