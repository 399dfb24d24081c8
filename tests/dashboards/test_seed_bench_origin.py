"""seed_bench, as seed_demo, has foreign nationals with no place of origin in Cambodia."""

import io

import pytest
from django.core.management import call_command

from cases.models import Case

pytestmark = pytest.mark.django_db


def test_some_foreign_nationals_have_no_place_of_origin_in_cambodia():
    call_command("seed_bench", cases=200, big_ngo_cases=50, batch=200, stdout=io.StringIO())
    without_origin = Case.objects.filter(origin_province__isnull=True)
    assert without_origin.exists()
    assert not without_origin.filter(nationality="KH").exists()
    assert not without_origin.exclude(origin_commune=None, origin_village=None).exists()
    assert Case.objects.exclude(nationality="KH").filter(origin_province__isnull=False).exists()
