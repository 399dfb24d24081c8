"""Small-count suppression, on hand-made tables (pure Python, no database)."""

import itertools

from dashboards.suppression import augmented, is_small, suppress


def visible_grid(cells, result, *, row_totals=True, column_totals=True):
    """What a reader sees: numbers, None where hidden."""
    grid = augmented(cells, row_totals=row_totals, column_totals=column_totals)
    shown = []
    for i, row in enumerate(cells):
        line = [None if result.cells[i][j] else v for j, v in enumerate(row)]
        if row_totals:
            line.append(None if result.row_totals[i] else grid[i][-1])
        shown.append(line)
    if column_totals:
        line = [None if h else grid[-1][j] for j, h in enumerate(result.column_totals)]
        line.append(None if result.grand_total else grid[-1][-1])
        shown.append(line)
    return shown


def test_counts_from_one_to_four_are_small_and_zero_is_not():
    # A true zero identifies nobody, so it is shown.
    assert [is_small(n) for n in range(7)] == [False, True, True, True, True, False, False]


def test_a_table_without_small_counts_hides_nothing():
    result = suppress([[10, 20], [30, 40]])
    assert not result.any_hidden


def test_one_dimensional_table_with_a_total_hides_a_second_cell():
    # Rows 3, 10, 12 with their total 25: hiding 3 alone lets 25 − 10 − 12 give it back.
    result = suppress([[3], [10], [12]], row_totals=False, column_totals=True)
    assert result.cells == [[True], [True], [False]]
    assert result.column_totals == [False]


def test_the_complement_is_the_next_smallest_non_zero_cell():
    result = suppress([[0], [2], [9], [6], [30]], row_totals=False)
    assert [row[0] for row in result.cells] == [False, True, False, True, False]


def test_a_small_total_is_hidden_like_any_small_count():
    result = suppress([[1], [2], [0]], row_totals=False)
    assert result.column_totals == [True]
    assert result.cells == [[True], [True], [False]]


def test_two_dimensional_complementary_suppression_is_repeated_until_stable():
    cells = [[7, 9], [1, 2], [0, 0]]
    result = suppress(cells)
    assert result.cells == [[True, True], [True, True], [False, False]]
    assert result.row_totals == [True, True, False]
    assert result.column_totals == [False, False]
    assert result.grand_total is False


def test_every_line_with_a_total_has_no_single_hidden_cell():
    cells = [[3, 40, 12, 7], [25, 2, 30, 18], [15, 22, 0, 4], [50, 60, 70, 80]]
    result = suppress(cells)
    shown = visible_grid(cells, result)
    for line in shown:
        assert line.count(None) != 1
    for column in zip(*shown, strict=True):
        assert column.count(None) != 1


def _solutions(cells, result, *, row_totals=True, column_totals=True, ceiling=15):
    """Every table of non-negative counts (up to `ceiling`) that agrees with what is shown,
    hidden primary cells being 1–4: what an attacker holding the published table could infer."""
    shown = visible_grid(cells, result, row_totals=row_totals, column_totals=column_totals)
    hidden = [(i, j) for i, row in enumerate(cells) for j in range(len(row)) if result.cells[i][j]]
    solutions = set()
    for values in itertools.product(range(ceiling + 1), repeat=len(hidden)):
        trial = [list(row) for row in cells]
        for (i, j), value in zip(hidden, values, strict=True):
            trial[i][j] = value
        candidate = visible_grid(trial, result, row_totals=row_totals, column_totals=column_totals)
        if candidate == shown:
            solutions.add(values)
    return hidden, solutions


def test_a_hidden_value_cannot_be_recovered_from_the_totals():
    cells = [[7, 9], [1, 2], [0, 0]]
    result = suppress(cells)
    hidden, solutions = _solutions(cells, result)
    assert (1, 0) in hidden  # the male minor: 1
    truth = tuple(cells[i][j] for i, j in hidden)
    assert truth in solutions
    # More than one table fits what is published, and the lone 1 takes several values in them.
    assert len(solutions) > 1
    assert len({solution[hidden.index((1, 0))] for solution in solutions}) > 1


def test_without_complementary_suppression_the_attack_would_succeed():
    cells = [[3], [10], [12]]
    naive = suppress(cells, row_totals=False, threshold=5)
    naive.cells[1][0] = False  # undo the complement: only the 3 hidden
    hidden, solutions = _solutions(cells, naive, row_totals=False)
    assert solutions == {(3,)}  # recovered exactly: 25 − 10 − 12
    hidden, solutions = _solutions(cells, suppress(cells, row_totals=False), row_totals=False)
    assert len(solutions) > 1


def test_rows_without_a_shown_column_total_have_no_column_equations():
    # Ratings per question: the row totals are shown, a column sum is not.
    cells = [[0, 1, 6, 8, 9], [0, 0, 7, 6, 10]]
    result = suppress(cells, row_totals=True, column_totals=False)
    assert result.cells[0] == [False, True, True, False, False]
    assert result.cells[1] == [False] * 5
    assert result.column_totals == []
