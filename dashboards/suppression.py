"""Small-count suppression for aggregate tables: pure functions, no Django.

A table is a grid of counts (rows × columns) that may be shown with a total column (each row's
sum), a total row (each column's sum) and a grand total. Every shown total is an equation: the
cells of its line add up to it. A hidden cell can be recovered from any equation in which it is
the only unknown, so suppression works on the table *with* its totals:

1. Primary suppression hides every count from 1 to 4, totals included. A zero is shown: a true
   zero names nobody, and hiding zeros would only blur the picture without protecting anyone.
2. Complementary suppression: in every line (a row or a column that has a shown total, counting
   the total itself as a member of the line) with exactly one hidden member, hide the smallest
   other visible member as well, preferring a non-zero one. Repeat until nothing changes.

The result is a mask of hidden cells; the caller shows "<5" in their place.
"""

from collections.abc import Sequence
from dataclasses import dataclass

THRESHOLD = 5


def is_small(count: int, threshold: int = THRESHOLD) -> bool:
    # Zero is deliberately not small: see the module docstring.
    return 0 < count < threshold


@dataclass(frozen=True)
class Suppressed:
    """The outcome for one table: which interior cells and which totals are hidden."""

    cells: list[list[bool]]
    row_totals: list[bool]  # one per row (the total column); empty if not shown
    column_totals: list[bool]  # one per column (the total row); empty if not shown
    grand_total: bool

    @property
    def any_hidden(self) -> bool:
        return (
            any(any(row) for row in self.cells)
            or any(self.row_totals)
            or any(self.column_totals)
            or self.grand_total
        )


def augmented(
    cells: Sequence[Sequence[int]], *, row_totals: bool, column_totals: bool
) -> list[list[int | None]]:
    """The grid with its totals: an extra column of row sums and an extra row of column sums.
    Absent totals are None."""
    n_columns = len(cells[0]) if cells else 0
    grid: list[list[int | None]] = []
    for row in cells:
        grid.append([*row, sum(row) if row_totals else None])
    totals_row: list[int | None] = [
        sum(row[j] for row in cells) if column_totals else None for j in range(n_columns)
    ]
    grand = sum(sum(row) for row in cells) if (row_totals or column_totals) else None
    grid.append([*totals_row, grand])
    return grid


def _lines(grid: list[list[int | None]], *, row_totals: bool, column_totals: bool):
    """Each equation of the table as a list of (row, column) positions, total included."""
    n_rows = len(grid) - 1
    n_columns = len(grid[0]) - 1
    if row_totals:
        # Each row: its cells add up to its row total.
        for i in range(n_rows):
            yield [(i, j) for j in range(n_columns + 1)]
        if column_totals:
            # The column totals add up to the grand total.
            yield [(n_rows, j) for j in range(n_columns + 1)]
    if column_totals:
        for j in range(n_columns):
            yield [(i, j) for i in range(n_rows + 1)]
        if row_totals:
            yield [(i, n_columns) for i in range(n_rows + 1)]
    if (row_totals or column_totals) and not (row_totals and column_totals):
        # One kind of total only: the grand total is the sum of those totals.
        if row_totals:
            yield [(i, n_columns) for i in range(n_rows)] + [(n_rows, n_columns)]
        else:
            yield [(n_rows, j) for j in range(n_columns)] + [(n_rows, n_columns)]


def suppress(
    cells: Sequence[Sequence[int]],
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    threshold: int = THRESHOLD,
) -> Suppressed:
    """Which cells and totals to hide. `row_totals` is the total column shown at the end of each
    row, `column_totals` the total row shown under the columns; the grand total is shown when
    either is."""
    grid = augmented(cells, row_totals=row_totals, column_totals=column_totals)
    hidden = [[value is not None and is_small(value, threshold) for value in row] for row in grid]
    lines = list(_lines(grid, row_totals=row_totals, column_totals=column_totals))
    changed = True
    while changed:
        changed = False
        for line in lines:
            members = [(i, j) for i, j in line if grid[i][j] is not None]
            hidden_members = [p for p in members if hidden[p[0]][p[1]]]
            if len(hidden_members) != 1:
                continue
            visible = [p for p in members if not hidden[p[0]][p[1]]]
            if not visible:
                continue
            # The next-smallest count, a non-zero one if there is any: hiding a zero beside a
            # small count protects less, as a reader may guess it.
            i, j = min(visible, key=lambda p: (grid[p[0]][p[1]] == 0, grid[p[0]][p[1]], p))
            hidden[i][j] = True
            changed = True
    n_rows, n_columns = len(cells), len(cells[0]) if cells else 0
    return Suppressed(
        cells=[[hidden[i][j] for j in range(n_columns)] for i in range(n_rows)],
        row_totals=[hidden[i][n_columns] for i in range(n_rows)] if row_totals else [],
        column_totals=[hidden[n_rows][j] for j in range(n_columns)] if column_totals else [],
        grand_total=hidden[n_rows][n_columns] if (row_totals or column_totals) else False,
    )


def nothing_suppressed(
    cells: Sequence[Sequence[int]], *, row_totals: bool = True, column_totals: bool = True
) -> Suppressed:
    """The mask with nothing hidden, for callers that turned suppression off (tests, audits)."""
    n_rows, n_columns = len(cells), len(cells[0]) if cells else 0
    return Suppressed(
        cells=[[False] * n_columns for _ in range(n_rows)],
        row_totals=[False] * n_rows if row_totals else [],
        column_totals=[False] * n_columns if column_totals else [],
        grand_total=False,
    )
