"""For lists that show the same thing on each of a hundred rows: what costs per row, done
once per page, such as reversing each row's URL. (A choice's label needs nothing here:
`get_<field>_display` reads a table kept per field, cases.labels.)"""

from django import template
from django.urls import reverse

register = template.Library()


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
