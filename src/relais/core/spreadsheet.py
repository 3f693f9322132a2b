"""Text that a spreadsheet must not run as a formula: the one rule of every CSV and XLSX export
(issue 25, finding 4: a site or agent named `=HYPERLINK(...)` became a live link).

A cell whose text starts with = + - @, a tab or a carriage return is read as a formula by
Excel, LibreOffice and Google Sheets (OWASP, "CSV injection"). CSV gets an apostrophe in
front (shown by the spreadsheet, which then reads text); XLSX writes the text as a string
with the quote prefix (apps/reporting/exports.py).
"""

from __future__ import annotations

__all__ = ["FORMULA_STARTS", "formula_safe", "looks_like_formula"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def formula_safe(text: str) -> str:
    """`text` for a CSV cell: an apostrophe before a formula's first character."""
    return f"'{text}" if looks_like_formula(text) else text
