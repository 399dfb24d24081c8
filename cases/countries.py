"""Countries by their ISO 3166-1 alpha-2 code (django-countries), named in the reader's
language. django-countries has no Khmer catalogue: Khmer names come from the iso-codes
translations that pycountry ships, looked up by the ISO name of the code."""

import functools
import gettext

import pycountry
from django.utils.translation import get_language
from django_countries import Countries, CountryTuple

CAMBODIA = "KH"


@functools.cache
def _khmer_catalogue() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["km"], fallback=True)


def khmer_name(code: str) -> str | None:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return None
    khmer = _khmer_catalogue().gettext(country.name)
    return khmer if khmer != country.name else None


class HomecomingCountries(Countries):
    """Cambodia first, then the countries survivors most often come from or are taken to,
    then every other country by name."""

    first = ["KH", "TH", "VN", "ID", "MY", "CN", "LA", "MM", "PH", "KR"]
    first_break = "──────────"

    def __deepcopy__(self, memo):
        # A serializer copies its fields, and their arguments, for each use: a copy of the
        # list would translate and sort some 250 names again on every API write. The list is
        # the same for everyone in a language (django-countries keeps one per language).
        return self

    def translate_pair(self, code: str, name=None) -> CountryTuple:
        pair = super().translate_pair(code, name)
        if (get_language() or "").startswith("km"):
            return CountryTuple(code, khmer_name(code) or pair.name)
        return pair


countries = HomecomingCountries()
