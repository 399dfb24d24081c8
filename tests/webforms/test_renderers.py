"""Select lists are written in Python (webforms/renderers.py): the pages with the most of
them are the same, byte for byte, as with Django's own form templates."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

# What differs on every response whatever renders it: the masked CSRF token, a creating form's
# one-time token, the CSP nonce, and the moment of the latest opening ("Opened by"), whose
# minute may turn between two renders.
PER_RESPONSE = re.compile(
    r'(name="(?:csrfmiddlewaretoken|submission)" value|nonce|datetime)="[^"]*"'
)
MOMENT = re.compile(r"(<time datetime=\"\">)[^<]*(</time>)")


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return MOMENT.sub(r"\1\2", PER_RESPONSE.sub(r'\1=""', response.content.decode()))


@pytest.mark.parametrize("language", ["en", "km"])
def test_pages_with_select_lists_are_the_same_as_with_djangos_templates(
    client_for, supervisor, case, language
):
    client = client_for(supervisor)
    client.cookies["django_language"] = language
    urls = [
        reverse("cases:list") + "?risk_level=high&phase=intake",
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:create"),
    ]
    ours = [page(client, url) for url in urls]
    assert all("<select" in html for html in ours)
    with override_settings(FORM_RENDERER="django.forms.renderers.DjangoTemplates"):
        djangos = [page(client, url) for url in urls]
    for url, mine, theirs in zip(urls, ours, djangos, strict=True):
        assert mine == theirs, url
