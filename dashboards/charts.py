"""Server-rendered SVG charts: horizontal bar charts and a tile grid of Cambodia's provinces.

No JavaScript. Every piece of text goes through `escape`, and each chart carries a <title> and
an aria-label. A hidden ("<5") value draws no bar, only "<5": its size is never drawn.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .tables import HIDDEN

BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, BAR_AREA, VALUE_WIDTH = 22, 6, 230, 300, 70
WIDTH = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH


def bar_chart(title: str, bars: list[tuple[str, int | None]]) -> SafeString:
    """One bar per (label, value); value None means hidden ("<5")."""
    largest = max((value for _label, value in bars if value), default=0)
    height = max(len(bars), 1) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    parts = [
        f'<svg class="chart bar-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(bars):
        y = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        middle = y + BAR_HEIGHT / 2
        text = HIDDEN if value is None else f"{value}"
        parts.append(f"<g><title>{escape(label)}{_(':')} {escape(text)}</title>")
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" class="label" text-anchor="end" '
            f'dominant-baseline="middle">{escape(_truncate(label))}</text>'
        )
        width = 0.0
        if value:
            width = max(BAR_AREA * value / largest, 2)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
                'class="bar"/>'
            )
        elif value is None:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{BAR_HEIGHT}" height="{BAR_HEIGHT}" '
                'class="bar hidden-value"/>'
            )
            width = BAR_HEIGHT
        parts.append(
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{middle}" class="value" '
            f'dominant-baseline="middle">{escape(text)}</text></g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _truncate(label: str, length: int = 34) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"


# Cambodia's 25 provinces on a grid that roughly follows the map: (column, row) by code.
PROVINCE_TILES: dict[str, tuple[int, int]] = {
    "01": (1, 0),  # Banteay Meanchey
    "22": (2, 0),  # Oddar Meanchey
    "13": (3, 0),  # Preah Vihear
    "19": (4, 0),  # Stung Treng
    "16": (5, 0),  # Ratanakiri
    "24": (0, 1),  # Pailin
    "02": (1, 1),  # Battambang
    "17": (2, 1),  # Siem Reap
    "06": (3, 1),  # Kampong Thom
    "10": (4, 1),  # Kratie
    "11": (5, 1),  # Mondulkiri
    "15": (1, 2),  # Pursat
    "04": (2, 2),  # Kampong Chhnang
    "03": (3, 2),  # Kampong Cham
    "25": (4, 2),  # Tbong Khmum
    "09": (0, 3),  # Koh Kong
    "05": (1, 3),  # Kampong Speu
    "12": (2, 3),  # Phnom Penh
    "08": (3, 3),  # Kandal
    "14": (4, 3),  # Prey Veng
    "20": (5, 3),  # Svay Rieng
    "18": (0, 4),  # Preah Sihanouk
    "07": (1, 4),  # Kampot
    "21": (2, 4),  # Takeo
    "23": (1, 5),  # Kep
}

SHORT_NAMES_EN = {
    "01": "B. Meanchey",
    "02": "Battambang",
    "03": "K. Cham",
    "04": "K. Chhnang",
    "05": "K. Speu",
    "06": "K. Thom",
    "07": "Kampot",
    "08": "Kandal",
    "09": "Koh Kong",
    "10": "Kratie",
    "11": "Mondulkiri",
    "12": "Phnom Penh",
    "13": "P. Vihear",
    "14": "Prey Veng",
    "15": "Pursat",
    "16": "Ratanakiri",
    "17": "Siem Reap",
    "18": "Sihanouk",
    "19": "Stung Treng",
    "20": "Svay Rieng",
    "21": "Takeo",
    "22": "O. Meanchey",
    "23": "Kep",
    "24": "Pailin",
    "25": "T. Khmum",
}

# Light to dark blue by caseload band; grey for "<5", white for none.
BAND_COLOURS = ("#dbe9f4", "#9cc3e0", "#4f94c4", "#1f6aa0", "#0b3d66")
TILE_W, TILE_H, TILE_GAP = 100, 64, 4


def short_province_name(code: str, name_km: str, language: str) -> str:
    if language == "km":
        # The capital's official name carries the word for capital city; the tile needs less.
        return name_km.replace("រាជធានី", "")
    return SHORT_NAMES_EN.get(code, code)


def band(value: int | None, largest: int) -> int | None:
    """0-4 by share of the largest province; None when hidden or zero."""
    if not value or not largest:
        return None
    return min(int(5 * value / largest), 4) if value < largest else 4


def province_tile_grid(
    title: str, tiles: list[tuple[str, str, str, int | None]], language: str
) -> SafeString:
    """tiles: (code, full name, Khmer name, value or None if hidden)."""
    largest = max((value for *_rest, value in tiles if value), default=0)
    width = 6 * (TILE_W + TILE_GAP)
    height = 6 * (TILE_H + TILE_GAP)
    parts = [
        f'<svg class="chart tile-map" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for code, full_name, name_km, value in tiles:
        if code not in PROVINCE_TILES:
            continue
        column, row = PROVINCE_TILES[code]
        x, y = column * (TILE_W + TILE_GAP), row * (TILE_H + TILE_GAP)
        level = band(value, largest)
        if value is None:
            fill, ink, text = "#c9ced3", "#1b1f24", HIDDEN
        elif level is None:
            fill, ink, text = "#ffffff", "#1b1f24", "0"
        else:
            fill, ink, text = (
                BAND_COLOURS[level],
                "#ffffff" if level >= 2 else "#1b1f24",
                str(value),
            )
        name = short_province_name(code, name_km, language)
        parts.append(
            f'<g class="tile" data-province="{escape(code)}">'
            f"<title>{escape(full_name)}{_(':')} {escape(text)}</title>"
            f'<rect x="{x}" y="{y}" width="{TILE_W}" height="{TILE_H}" rx="4" fill="{fill}" '
            'stroke="#8a949c"/>'
            f'<text x="{x + TILE_W / 2}" y="{y + 24}" text-anchor="middle" class="tile-name" '
            f'fill="{ink}">{escape(name)}</text>'
            f'<text x="{x + TILE_W / 2}" y="{y + 48}" text-anchor="middle" class="tile-value" '
            f'fill="{ink}">{escape(text)}</text></g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def legend(largest: int) -> list[tuple[str, str]]:
    """(CSS class, range text) for the map's legend; colours live in dashboards.css because
    the Content Security Policy forbids inline styles."""
    if not largest:
        return []
    entries = []
    for level in range(len(BAND_COLOURS)):
        low = max(int(largest * level / 5), 1)
        high = int(largest * (level + 1) / 5)
        entries.append((f"band-{level}", f"{low}–{high}"))
    entries.append(("band-hidden", _("fewer than 5 (hidden)")))
    return entries
