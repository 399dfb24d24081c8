"""Days and moments as people read them, in the language each reader has chosen."""

import datetime as dt

from django.template import Context, Template
from django.utils import translation

from cases.templatetags.local_dates import local_date

DAY = dt.date(2026, 11, 24)


def test_the_same_day_reads_in_each_language_in_turn():
    """A day already written for one reader is written afresh in another's language."""
    written = {}
    for language in ("en", "km", "en", "km"):
        with translation.override(language):
            written.setdefault(language, set()).add(
                (local_date(DAY), local_date(DAY, "SHORT_DATE_FORMAT"))
            )
    assert written == {
        "en": {("24 Nov 2026", "24 Nov 2026")},
        "km": {("២៤ ខែ វិច្ឆិកា ឆ្នាំ ២០២៦", "២៤ វិច្ឆិកា ២០២៦")},
    }


def test_a_moment_reads_as_its_day_in_phnom_penh():
    """17:30 UTC is half past midnight the next day in Phnom Penh."""
    template = Template("{% load local_dates %}{{ moment|local_date }}")
    moment = dt.datetime(2026, 11, 24, 17, 30, tzinfo=dt.UTC)
    for language, day in (("en", "25 Nov 2026"), ("km", "២៥ ខែ វិច្ឆិកា ឆ្នាំ ២០២៦")):
        with translation.override(language):
            assert template.render(Context({"moment": moment})) == day
    assert local_date(None) == local_date("") == ""
