"""Reports as CSV and XLSX for a spreadsheet, in the viewer's language.

One row per period (and group). Headings are translated; the period is a date; counts are
whole numbers, percentages have one decimal, durations are whole seconds (CSV) or `mm:ss`
durations (XLSX).

- CSV: UTF-8 with a byte-order mark; French: `;` between fields, decimal comma, dates
  `dd/mm/yyyy`, `92,4 %`; English: `,`, decimal point, ISO dates, `92.4%`. Durations in
  whole seconds, the heading says `(s)` (Excel would read `05:30` as a time of day).
- XLSX: numbers with number formats: percentages as fractions with `0.0%`, durations as
  fractions of a day with `[mm]:ss`, periods as dates, counts as integers.
- Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
  return: a site, team or agent name) gets an apostrophe in CSV and is written as a string,
  shown with a quote prefix, in XLSX (`relais.core.spreadsheet`, the one rule for every export).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell

from relais.apps.reporting.figures import (
    FIGURES,
    GROUP_HEADINGS,
    PERIOD_HEADINGS,
    Figure,
    Kind,
    date_text,
    french,
    percent_text,
    whole_seconds,
)
from relais.apps.reporting.selectors import ReportRow
from relais.core.spreadsheet import formula_safe, looks_like_formula

DAY_SECONDS = 86_400


@dataclass(frozen=True)
class Layout:
    """What the export holds: the period's kind, the grouping (None: one row per period)."""

    period: str = "day"
    group_by: str | None = None


def header(layout: Layout = Layout(), *, spreadsheet: bool = False) -> list[str]:
    """Translated headings (active language); `spreadsheet`: durations in mm:ss, else (s)."""
    headings = [str(PERIOD_HEADINGS.get(layout.period, PERIOD_HEADINGS["day"]))]
    if layout.group_by:
        headings.append(str(GROUP_HEADINGS[layout.group_by]))
    for figure in FIGURES:
        if figure.kind is Kind.DURATION:
            unit = "mm:ss" if spreadsheet else _("s")
            headings.append(f"{figure.heading} ({unit})")
        else:
            headings.append(str(figure.heading))
    return headings


def _csv_value(figure: Figure, value: float | None, language: str) -> str:
    if value is None:
        return ""
    if figure.kind is Kind.PERCENT:
        return percent_text(value, language=language)
    return str(whole_seconds(value) if figure.kind is Kind.DURATION else value)


def as_csv(rows: Iterable[ReportRow], *, layout: Layout, language: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if french(language) else ",")
    with translation.override(language):
        writer.writerow(header(layout))
        for row in rows:
            kpis = row.summary.kpis()
            line = [date_text(row.period, language=language)]
            if layout.group_by:
                line.append(formula_safe(row.label))
            line += [_csv_value(figure, kpis[figure.key], language) for figure in FIGURES]
            writer.writerow(line)
    return buffer.getvalue().encode("utf-8-sig")


def _number_cell(cell: Cell, figure: Figure, value: float | None) -> None:
    if value is None:
        return
    if figure.kind is Kind.PERCENT:
        cell.value = round(value, 3)
        cell.number_format = "0.0%"
    elif figure.kind is Kind.DURATION:
        cell.value = (whole_seconds(value) or 0) / DAY_SECONDS
        cell.number_format = "[mm]:ss"
    else:
        cell.value = value
        cell.number_format = "0"


def _text_cell(cell: Cell, text: str) -> None:
    cell.value = text
    cell.data_type = "s"  # never a formula, whatever its first character
    if looks_like_formula(text):
        cell.quotePrefix = True


def as_xlsx(rows: Iterable[ReportRow], *, layout: Layout, language: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.create_sheet(index=0)
    workbook.remove(workbook.worksheets[1])  # the default empty sheet
    with translation.override(language):
        sheet.title = _("Report")
        headings: Sequence[str] = header(layout, spreadsheet=True)
    sheet.append(list(headings))
    date_format = "dd/mm/yyyy" if french(language) else "yyyy-mm-dd"
    for number, row in enumerate(rows, start=2):
        kpis = row.summary.kpis()
        period = sheet.cell(number, 1, dt.datetime.combine(row.period, dt.time()))
        period.number_format = date_format
        column = 2
        if layout.group_by:
            _text_cell(sheet.cell(number, column), row.label)
            column += 1
        for offset, figure in enumerate(FIGURES):
            _number_cell(sheet.cell(number, column + offset), figure, kpis[figure.key])
    sheet.freeze_panes = "A2"
    for index, heading in enumerate(headings, start=1):
        letter = sheet.cell(1, index).column_letter
        sheet.column_dimensions[letter].width = max(12, len(heading) + 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
