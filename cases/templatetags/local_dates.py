from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import translation

register = template.Library()

KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


@register.filter(expects_localtime=True)
def local_date(value, format_name: str = "DATE_FORMAT"):
    """A date as people read it in the active language: in Khmer, the month by name and
    Khmer numerals (២៤ ខែ វិច្ឆិកា ឆ្នាំ ២០២៦). A moment is shown in Phnom Penh time (the
    template engine converts it before the filter sees it, as for Django's `date`)."""
    if not value:
        return ""
    text = date_filter(value, format_name)
    if translation.get_language() == "km":
        text = text.translate(KHMER_DIGITS)
    return text


@register.filter
def person(user) -> str:
    """A person's full name, their username without one, "—" for nobody."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username
