"""Text colours of the stylesheet pass WCAG AA (4.5:1) on the backgrounds they are used on."""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parent.parent / "static/css/app.css").read_text()
VARIABLES = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-fA-F]{6})", CSS))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    ("text", "background"),
    [
        ("ink", "bg"),
        ("muted", "bg"),
        ("accent", "bg"),
        ("bad", "bg"),
        ("ink", "soft"),
        ("muted", "soft"),
        ("accent", "soft"),
        ("ink", "warn"),
    ],
)
def test_text_colours_pass_wcag_aa(text, background):
    assert contrast(VARIABLES[text], VARIABLES[background]) >= 4.5


def test_buttons_white_on_accent_pass_wcag_aa():
    assert contrast("#ffffff", VARIABLES["accent"]) >= 4.5
