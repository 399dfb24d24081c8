"""The official administrative hierarchy (Ministry of Economy and Finance, 2025)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from organisations.models import Commune, District, Province, Village
from organisations.services import village_find

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Province, District, Commune, Village)]


def test_the_whole_hierarchy_is_loaded_by_migration():
    assert counts() == [25, 210, 1661, 14576]
    assert Province.objects.get(code="01").name_en == "Banteay Meanchey"
    assert Province.objects.get(code="12").name_km == "រាជធានីភ្នំពេញ"


def test_loading_again_changes_nothing(capsys):
    before = counts()
    call_command("load_places")
    assert counts() == before
    assert "14576 villages" in capsys.readouterr().out


def test_villages_whose_commune_is_not_listed_keep_their_district():
    orphans = Village.objects.filter(commune__isnull=True)
    assert orphans.count() == 13
    assert all(v.district_id == v.commune_code[:4] for v in orphans)


def test_village_lookup_by_code():
    village = village_find(code="01020101")
    assert village.name_en == "Ou Thum"
    with pytest.raises(ValidationError, match="No village has the code"):
        village_find(code="00000000")
    with pytest.raises(ValidationError, match="choose the commune"):
        village_find(code="08120101")
    with pytest.raises(ValidationError, match="Kbal Kaoh, Thmei, Tuol Svay"):
        village_find(code="08120101", commune_code="081201")
    assert village_find(code="02140401", commune_code="021405").name_en == "Kaoh Thum"
