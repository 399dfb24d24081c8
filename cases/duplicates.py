"""Finding a survivor who may already have a case, whatever the spelling.

Khmer names are written in Latin letters in many ways (Sreyneang, Srey Neang, Srei Neang;
Chhorn, Chorn; Sokha, Sokhar), so names are compared by a key that folds those variations,
with the words in any order (family name first or last)."""

import datetime as dt
import re
import unicodedata
from itertools import permutations

from django.db.models import QuerySet

from organisations.models import Organisation, User

from .models import Case

# Ordered: longer spellings first, so "chh" folds before "ch".
_LATIN_FOLDS = [
    ("chh", "c"), ("ch", "c"), ("kh", "k"), ("ph", "p"), ("th", "t"), ("gn", "n"), ("nh", "n"),
    ("ey", "ei"), ("y", "i"), ("ea", "e"), ("ou", "u"), ("oe", "e"), ("ae", "e"), ("o", "u"),
    ("w", "v"),
]  # fmt: skip
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
KHMER_BLOCK = re.compile(r"[\u1780-\u17ff\u19e0-\u19ff]")


def latin_keys(name: str) -> set[str]:
    """The folded name with its words in every order, run together: "Sok Srey Neang" and
    "Sreyneang Sok" share one."""
    words = _folded_words(name)[:4]
    return {"".join(order) for order in permutations(words)} if words else set()


def _folded_words(name: str) -> list[str]:
    words = []
    for word in re.split(r"[\s\-.'’]+", unicodedata.normalize("NFKD", name).lower()):
        word = "".join(ch for ch in word if "a" <= ch <= "z")
        for spelling, folded in _LATIN_FOLDS:
            word = word.replace(spelling, folded)
        word = re.sub(r"(.)\1+", r"\1", word)  # doubled letters: Chhorn / Chorn
        word = re.sub(r"(?<=[aeiou])[hr]$", "", word)  # a trailing h or r: Sokhar / Sokha
        if word:
            words.append(word)
    return words


def khmer_key(name: str) -> str:
    """Khmer script without spaces or invisible joiners, in normal form."""
    text = unicodedata.normalize("NFC", name).translate(_INVISIBLE)
    return "".join(text.split())


def _birth_dates_close(a: dt.date, b: dt.date) -> bool:
    # Estimated dates of birth are often only the year: a year apart is still "similar".
    return abs((a - b).days) <= 366


def possible_duplicates(
    *,
    organisation: Organisation,
    name_latin: str,
    name_khmer: str,
    date_of_birth: dt.date,
    origin_province_id: str,
) -> list[Case]:
    """Cases of this organisation with a similar name, a close date of birth and the same
    province of origin. Candidates are narrowed in the database, names compared here."""
    candidates: QuerySet[Case] = Case.objects.filter(
        organisation=organisation,
        origin_province_id=origin_province_id,
        date_of_birth__range=(
            date_of_birth - dt.timedelta(days=366),
            date_of_birth + dt.timedelta(days=366),
        ),
    ).only("pk", "case_number", "name_latin", "name_khmer", "date_of_birth", "phase")
    wanted_latin, wanted_khmer = latin_keys(name_latin), khmer_key(name_khmer)
    return [
        case
        for case in candidates[:200]
        if _birth_dates_close(case.date_of_birth, date_of_birth)
        and (
            (wanted_latin & latin_keys(case.name_latin))
            or (wanted_khmer and khmer_key(case.name_khmer) == wanted_khmer)
        )
    ]


def duplicates_for(user: User, **wanted) -> tuple[list[Case], bool]:
    """The possible duplicates the user may open, and whether there are others: a worker who
    sees only their own cases is told that a match exists, never whose (name, year of birth
    and number of a case they may not open are not theirs to read)."""
    from .selectors import case_list_visible_to

    matches = possible_duplicates(organisation=user.membership.organisation, **wanted)
    openable = set(
        case_list_visible_to(user)
        .filter(pk__in=[case.pk for case in matches])
        .values_list("pk", flat=True)
    )
    named = [case for case in matches if case.pk in openable]
    return named, len(named) < len(matches)
