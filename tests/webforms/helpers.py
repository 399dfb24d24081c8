import re

from django.urls import reverse


def hidden(response, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', response.content.decode())
    assert match, f"no hidden {name} field"
    return match.group(1)


def case_form_data(response) -> dict:
    """What the edit form shows, as a browser would send it back unchanged."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def edit_url(case) -> str:
    return reverse("cases:edit", args=[case.pk])
