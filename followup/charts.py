"""A small chart of income and wellbeing over a case's follow-up, drawn as inline SVG on the
server: no JavaScript, light on slow mobile data."""

from dataclasses import dataclass, field

from .models import FollowUpVisit, VisitStatus

WIDTH, HEIGHT, PAD = 320, 140, 24


def coordinate(value: float) -> str:
    """A number written into an SVG attribute: always a dot, never the locale's decimal
    comma (a Khmer page would otherwise put every point in the corner)."""
    return f"{value:.1f}"


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    income_points: str = ""
    wellbeing_points: str = ""
    income_max: int = 0
    dots: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.dots


def followup_chart(visits: list[FollowUpVisit]) -> Chart:
    done = [v for v in visits if v.status == VisitStatus.DONE and v.visited_on]
    done.sort(key=lambda v: v.visited_on)
    chart = Chart()
    if not done:
        return chart
    first, last = done[0].visited_on, done[-1].visited_on
    span = max((last - first).days, 1)
    chart.income_max = max((v.monthly_income_riel or 0 for v in done), default=0)
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    income, wellbeing = [], []
    for visit in done:
        x = PAD + inner_w * ((visit.visited_on - first).days / span if len(done) > 1 else 0.5)
        dot = {"x": coordinate(x), "date": visit.visited_on, "visit": visit}
        if visit.monthly_income_riel is not None:
            share = visit.monthly_income_riel / chart.income_max if chart.income_max else 0
            dot["income_y"] = coordinate(PAD + inner_h * (1 - share))
            income.append(f"{dot['x']},{dot['income_y']}")
        if visit.wellbeing is not None:
            dot["wellbeing_y"] = coordinate(PAD + inner_h * (1 - (visit.wellbeing - 1) / 4))
            wellbeing.append(f"{dot['x']},{dot['wellbeing_y']}")
        chart.dots.append(dot)
    chart.income_points = " ".join(income)
    chart.wellbeing_points = " ".join(wellbeing)
    return chart
