"""The caseload's first load fits slow mobile data: under 150 KB gzip-compressed, fonts
included, with every asset served by the app itself (no CDN)."""

import gzip
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db
BUDGET = 150 * 1024


def compressed(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def test_caseload_first_load_is_under_150_kb_compressed(client_for, owner):
    for _ in range(25):
        CaseFactory(actor=owner, name_khmer="ចាន់ ស្រីល័ក្ខ")
    html = client_for(owner).get(reverse("cases:list")).content
    assets = re.findall(rb'(?:href|src)="(/[^"]+\.(?:css|js|woff2|svg))"', html)
    assert not re.search(rb'(?:href|src)="(?:https?:)?//', html), "an asset from another host"
    css_paths = [a for a in assets if a.endswith(b".css")]
    sizes = {"page": compressed(html)}
    for url in assets:
        path = finders.find(
            url.decode().removeprefix(settings.STATIC_URL.rstrip("/") + "/").lstrip("/")
        )
        assert path, url
        sizes[url.decode()] = compressed(open(path, "rb").read())  # noqa: SIM115
    for css in css_paths:  # fonts the stylesheet pulls in, both weights counted
        text = open(finders.find(css.decode().split("static/", 1)[1]), "rb").read()  # noqa: SIM115
        for font in re.findall(rb'url\("\.\./(fonts/[^"]+)"\)', text):
            sizes.setdefault(
                font.decode(), compressed(open(finders.find(font.decode()), "rb").read())
            )  # noqa: SIM115
    total = sum(sizes.values())
    assert total < BUDGET, sizes
    assert any("noto-sans-khmer" in name for name in sizes)
