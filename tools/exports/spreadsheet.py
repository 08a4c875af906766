"""Cells a spreadsheet opens as text, never as a formula (OWASP's CSV injection rule).

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`, so a
shot caption like `=HYPERLINK(…)` or `-2 stops` shows as written in Excel, Numbers and Sheets.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should show it; numbers pass through untouched."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: dict[str, Any]) -> dict[str, Any]:
    """Every cell of a row made safe for spreadsheets."""
    return {key: safe_cell(value) for key, value in row.items()}
