"""Reading an export back as a spreadsheet program would: BOM, separator, headings."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook

BOM = b"\xef\xbb\xbf"


def csv_rows(content: bytes, *, separator: str) -> list[dict[str, str]]:
    """The rows of a CSV export keyed by its (translated) headings; the BOM is required."""
    assert content.startswith(BOM), content[:10]
    text = content[len(BOM) :].decode("utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter=separator))


def xlsx_rows(content: bytes) -> tuple[list[str], list[tuple[Any, ...]], Any]:
    """Headings, value rows and the sheet (for number formats) of an XLSX export."""
    sheet = load_workbook(io.BytesIO(content)).active
    values = list(sheet.iter_rows(values_only=True))
    return [str(h) for h in values[0]], values[1:], sheet
