"""A small SVG chart of the needs assessment's scores over time: one line per domain.

Coordinates are formatted here as plain numbers, never through the locale, so a Khmer page
draws the same chart as an English one."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Domain

# Each domain's name is written above its row, across the whole width, so that the long Khmer
# names are never cut off on a phone.
WIDTH, ROW, LABEL, PAD = 320, 44, 16, 8


def scores_chart(assessments, domains: list[str], title: str) -> SafeString:
    """assessments: oldest first, each with `.scores` prefetched."""
    if not assessments:
        return mark_safe("")  # noqa: S308 (nothing from a user)
    plot = WIDTH - 2 * PAD
    step = plot / max(len(assessments) - 1, 1)
    height = ROW * len(domains) + PAD
    parts = [
        f'<svg class="chart scores-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    by_assessment = [{s.domain: s.score for s in a.scores.all()} for a in assessments]
    for row, domain in enumerate(domains):
        top = PAD + row * ROW
        parts.append(
            f'<text x="0" y="{top + LABEL - 4}" class="label">{escape(Domain(domain).label)}</text>'
        )
        points = []
        for index, scores in enumerate(by_assessment):
            if domain in scores:
                x = PAD + index * step
                # Score 4 (good) at the top of the row, 1 (serious concern) at the bottom.
                y = top + LABEL + (4 - scores[domain]) * (ROW - LABEL - 8) / 3 + 4
                points.append((x, y, scores[domain]))
        if len(points) > 1:
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _score in points)
            parts.append(f'<polyline points="{line}" class="score-line"/>')
        for x, y, score in points:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" class="score s{score}">'
                f"<title>{escape(Domain(domain).label)}: {score}</title></circle>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text escaped above)
