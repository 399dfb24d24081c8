"""The reassign forms (the Team page's rows, the case page): the team as options, built in
Python once per page, not once per case."""

from django import template
from django.utils.html import format_html, format_html_join

from .local_dates import person

register = template.Library()


@register.simple_tag(takes_context=True)
def worker_options(context, team, selected=None) -> str:
    """The team as the <option>s of a select, `selected` (a user id) chosen. A page of a
    hundred cases shows the same few lists: each is built once per page and reused."""
    built = context.render_context.setdefault(worker_options, {})
    if selected not in built:
        built[selected] = format_html_join(
            "",
            "{}",
            (
                (
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        worker.pk,
                        " selected" if worker.pk == selected else "",
                        person(worker),
                    ),
                )
                for worker in team
            ),
        )
    return built[selected]
