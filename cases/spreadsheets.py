"""Cells that hold text someone typed (a name, an organisation's name, a filter) are written to
CSV and XLSX exports as text, never as a formula a spreadsheet would run."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value) -> str:
    """The value as text; one that would start a formula (`=HYPERLINK(...)`, `+1`, `@SUM`) gets
    a leading apostrophe, which spreadsheets read as "this cell is text"."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
