"""Reading a partner's reported figures from a CSV file or the API's rows, line by line.

The columns are those of `relais.core.sourcing.reported`; the separator (comma, semicolon or
tab) is found from the file, decimals may use a comma. Each line is checked; the lines that
cannot be read are named with their number and reason, in the reader's language.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence

from django.utils.translation import gettext as _

from relais.apps.errors import RelaisError
from relais.apps.sourcing.errors import ErrorCode
from relais.core.sourcing.reported import REQUIRED, ReportedRow, RowProblem, reported_row

MAX_BYTES = 5_000_000
MAX_LINES = 100_000


def decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return content
    if len(content) > MAX_BYTES:
        raise RelaisError(ErrorCode.UNREADABLE_FILE, details=_("larger than 5 MB"))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RelaisError(ErrorCode.UNREADABLE_FILE, details=_("not UTF-8 text")) from None


def csv_rows(content: bytes | str) -> list[tuple[int, dict[str, str]]]:
    """(line number, row by lower-case column) of every non-empty line after the header."""
    text = decode(content)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect=dialect)
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        for column in REQUIRED:
            if column not in header:
                raise RelaisError(ErrorCode.MISSING_COLUMN, column=column)
        rows = []
        for values in reader:
            line = reader.line_num
            if line > MAX_LINES:
                raise RelaisError(ErrorCode.UNREADABLE_FILE, details=_("more than 100,000 lines"))
            if not any(value.strip() for value in values):
                continue
            row = dict(zip(header, values, strict=False))
            if len(values) > len(header):
                row["…"] = ",".join(values[len(header) :])
            rows.append((line, row))
    except csv.Error as error:
        raise RelaisError(ErrorCode.UNREADABLE_FILE, details=str(error)) from None
    return rows


_PROBLEMS = {
    "missing": lambda p: _("%(column)s: missing") % {"column": p.column},
    "not_a_date": lambda p: (
        _("%(column)s: not a date (2026-11-30 or 30/11/2026): “%(value)s”")
        % {"column": p.column, "value": p.value}
    ),
    "not_a_number": lambda p: (
        _("%(column)s: not a number: “%(value)s”") % {"column": p.column, "value": p.value}
    ),
    "not_whole": lambda p: (
        _("%(column)s: not a whole number: “%(value)s”") % {"column": p.column, "value": p.value}
    ),
    "out_of_range": lambda p: (
        _("%(column)s: “%(value)s” is out of range") % {"column": p.column, "value": p.value}
    ),
    "more_than": lambda p: (
        _("%(column)s: %(value)s is more than %(other)s")
        % {"column": p.column, "value": p.value, "other": p.other}
    ),
}


def row_reader(queue_codes: set[str]) -> Callable[[tuple[int, Mapping[str, object]]], ReportedRow]:
    """A parser of numbered rows for `tolerant`: each row checked, its queue known, each day
    and queue once in the import; `ValueError` with the reason in the reader's language."""
    seen: dict[tuple[object, str], int] = {}

    def parse(numbered: tuple[int, Mapping[str, object]]) -> ReportedRow:
        line, raw = numbered
        try:
            row = reported_row(raw)
        except RowProblem as problem:
            raise ValueError(_PROBLEMS[problem.code](problem)) from None
        if row.queue not in queue_codes:
            raise ValueError(_("queue: no queue “%(code)s” in Relais") % {"code": row.queue})
        first = seen.setdefault((row.day, row.queue), line)
        if first != line:
            raise ValueError(_("this day and queue are already on line %(line)s") % {"line": first})
        return row

    return parse


def numbered(
    rows: Sequence[Mapping[str, object]],
) -> Iterator[tuple[int, tuple[int, Mapping[str, object]]]]:
    """The API's rows numbered from 1, in the form `tolerant` reads with `row_reader`."""
    for number, row in enumerate(rows, start=1):
        yield number, (number, row)
