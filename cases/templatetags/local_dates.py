"""How people read dates and numbers in the active language.

The rule for numbers: every number a person reads is written in the digits of the language
(Khmer digits in Khmer: ២ ករណី, ទំព័រ ១ នៃ ១), grouped by thousands with a comma (350,000 ៛ /
៣៥០,០០០ ៛) and with a dot before decimals. Numbers a machine reads (SVG and HTML attributes,
form inputs, CSV and spreadsheet exports, the API) stay in Latin digits and are never localised.
"""

import datetime as dt
import functools
from decimal import Decimal

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaultfilters import date as date_filter
from django.utils import numberformat, translation

register = template.Library()

KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


@register.filter(expects_localtime=True)
def local_date(value, format_name: str = "DATE_FORMAT"):
    """A date as people read it in the active language: in Khmer, the month by name and
    Khmer numerals (២៤ ខែ វិច្ឆិកា ឆ្នាំ ២០២៦). A moment is shown in Phnom Penh time (the
    template engine converts it before the filter sees it, as for Django's `date`)."""
    if not value:
        return ""
    if type(value) is dt.date:  # a day reads the same wherever the reader is
        return _day(value, format_name, translation.get_language())
    return _written(value, format_name, translation.get_language())


def _written(value, format_name: str, language: str | None) -> str:
    text = date_filter(value, format_name)
    return text.translate(KHMER_DIGITS) if language == "km" else text


# A page writes dozens of days, most of them the same few hundred from one page to the next;
# Django's formatting takes about a hundred calls for each.
_day = functools.lru_cache(maxsize=4096)(_written)


@receiver(setting_changed)
def _formats_changed(**kwargs) -> None:
    _day.cache_clear()


def _digits(text: str) -> str:
    return text.translate(KHMER_DIGITS) if translation.get_language() == "km" else text


@register.filter
def number(value, decimals: int | None = None) -> str:
    """A number for people to read: grouped by thousands, in the language's digits."""
    if value is None or value == "":
        return ""
    if not isinstance(value, int | float | Decimal):
        return _digits(str(value))
    text = numberformat.format(
        value,
        ".",
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=",",
        force_grouping=True,
    )
    return _digits(text)


@register.filter
def riel(value) -> str:
    """An amount of money in riel: 350,000 ៛ (៣៥០,០០០ ៛ in Khmer)."""
    if value is None or value == "":
        return ""
    return f"{number(value)} ៛"


@register.filter
def person(user) -> str:
    """A person's full name, their username without one, "—" for nobody."""
    if user is None:
        return "—"
    return user.display_name
