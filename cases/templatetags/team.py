"""The reassign forms (the Team page's rows, the case page): the team as options, built in
Python once per page, not once per case."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def worker_options(context, team, selected=None) -> str:
    """The team, (id, name) pairs as `cases.selectors.worker_choices` gives them, as the
    <option>s of a select, `selected` (a user id) chosen. A page of a hundred cases shows the
    same few lists: each is built once per page and reused. Hundreds of names are joined as
    plain strings, each name escaped."""
    built = context.render_context.setdefault(worker_options, {})
    if selected not in built:
        built[selected] = mark_safe(  # noqa: S308 - each name escaped, each id an int
            "".join(
                f'<option value="{int(pk)}"{" selected" if pk == selected else ""}>'
                f"{escape(name)}</option>"
                for pk, name in team
            )
        )
    return built[selected]
