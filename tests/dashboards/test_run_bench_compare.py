"""The benchmark's comparison of two saved runs: each figure at both scales, its growth and
each page's page/SQL ratio, matched on the page's key."""

from bench.run_bench import print_comparison


def a_run(cases: int, caseload_ms: float, *, largest: bool, ratio: float = 2.0) -> dict:
    pages = [
        {"key": "caseload page /cases/ (20,000-case NGO)", "label": "x", "target": 50,
         "median": caseload_ms, "p95": caseload_ms, "queries": 8,
         "sql_ms": caseload_ms / ratio, "ratio": ratio},
    ]  # fmt: skip
    if largest:
        pages.append(
            {"key": "caseload page /cases/ (largest organisation)", "label": "y", "target": 50,
             "error": "error: RuntimeError: /cases/ answered 500"}
        )  # fmt: skip
    return {
        "database": "postgresql bench", "cases": cases, "when": "2026-12-01T16:00:00+00:00",
        "load": "1.0 1.0 1.0", "pages": pages, "warmed": 64, "warming_seconds": 1.5,
        "peak_mib": 120.0,
        "dashboards": [
            {"key": "national dashboard", "label": "national", "target": 300, "main_sql": 50.0,
             "all_sql": 100.0, "cold": 120.0, "warm": 10.0, "ratio": 1.2},
        ],
    }  # fmt: skip


def test_comparison_prints_growth_and_ratios(capsys):
    print_comparison(a_run(200_000, 20.0, largest=False), a_run(1_000_000, 45.0, largest=True))
    out = capsys.readouterr().out
    assert "A: 200,000 cases" in out and "B: 1,000,000 cases" in out
    caseload = next(line for line in out.splitlines() if "(20,000-case NGO)" in line)
    # under 50 ms, but more than 1.5 times its SQL: the page's target is both
    assert (
        "| 20.0 | 45.0 | 2.25× | 2.00 | 2.00 | 8 / 8 | < 50 ms, ≤ 1.5 × SQL | FAIL (ratio) |"
        in (caseload)
    )
    # A page only the larger run has: no figure at the smaller scale, its error at the larger.
    largest = next(line for line in out.splitlines() if "(largest organisation)" in line)
    assert "| – | – | – |" in largest and "answered 500" in largest
    national = next(line for line in out.splitlines() if "national dashboard" in line)
    assert "| 120.0 | 120.0 | 1.00× | 1.20 | 1.20 | 10.0 | 10.0 | < 300 ms | pass |" in national


def test_a_page_passes_only_within_its_time_and_its_ratio(capsys):
    print_comparison(
        a_run(200_000, 30.0, largest=False, ratio=1.4),
        a_run(1_000_000, 60.0, largest=False, ratio=1.5),
    )
    print_comparison(
        a_run(200_000, 60.0, largest=False, ratio=3.0),
        a_run(1_000_000, 45.0, largest=False, ratio=1.5),
    )
    a, b = [line for line in capsys.readouterr().out.splitlines() if "(20,000-case NGO)" in line]
    assert a.endswith("| FAIL (time) |") and b.endswith("| pass |")
