"""Reading a file a user gives, line by line, without ever failing on one bad line.

Every importer (call logs for replay, histories for forecasting, agent lists, partners' reported
figures) parses its rows through `tolerant`: a line that does not parse is counted with its line
number and reason. Below the tolerance (by default 0.1 % of the lines) the bad lines are skipped
and reported; above it the import stops with `MalformedInput`, which names the first of them.
Never a traceback.

A CSV file goes through `tolerant_csv`, which also refuses what no line-by-line tolerance can
save (`UnreadableInput`: not text, no header, a required column missing, no data line). Text
that cannot be read in part (TOML, JSON) goes through `utf8_text` and is refused whole, with
the line of the fault.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "DEFAULT_TOLERANCE",
    "PARSE_ERRORS",
    "CsvRecord",
    "ImportReport",
    "MalformedInput",
    "MalformedLine",
    "UnreadableInput",
    "tolerant",
    "tolerant_csv",
    "utf8_text",
]

DEFAULT_TOLERANCE = 0.001
"""Share of a file's lines that may be malformed and skipped (0.1 %)."""

PARSE_ERRORS: tuple[type[Exception], ...] = (
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    ArithmeticError,  # a date out of range once moved to UTC, a number too large
)
"""What a row parser raises on a row it cannot read."""

_NAMED = 5  # bad lines quoted in a message


@dataclass(frozen=True)
class MalformedLine:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ImportReport:
    """What one import read: its data lines, and the malformed ones among them."""

    source: str
    lines: int = 0
    malformed: list[MalformedLine] = field(default_factory=list)
    unlisted: int = 0
    """Malformed lines beyond those listed (a report read back from `as_json`)."""

    @property
    def skipped(self) -> int:
        return len(self.malformed) + self.unlisted

    def within(self, tolerance: float) -> bool:
        return self.skipped <= tolerance * self.lines

    def reject(self, line: int, reason: str) -> None:
        """Count one more line as malformed, found after parsing (a duplicate, a misfit)."""
        self.malformed.append(MalformedLine(line, reason))
        self.malformed.sort(key=lambda bad: bad.line)

    def enforce(self, tolerance: float) -> None:
        """Raise `MalformedInput` when the malformed lines are beyond `tolerance`."""
        if not self.within(tolerance):
            raise MalformedInput(self, tolerance)

    def summary(self) -> str:
        """One line for a person: how many lines were read and which were skipped."""
        if not self.malformed:
            return f"{self.source}: {self.lines} lines read"
        named = "; ".join(str(bad) for bad in self.malformed[:_NAMED])
        more = f" (and {self.skipped - _NAMED} more)" if self.skipped > _NAMED else ""
        read = f"{self.source}: {self.lines} lines read"
        return f"{read}, {self.skipped} malformed skipped: {named}{more}"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportReport:
        """The report `as_json` wrote (its malformed lines: the first 100)."""
        listed = [MalformedLine(int(bad["line"]), str(bad["reason"])) for bad in data["malformed"]]
        return cls(
            str(data["source"]), int(data["lines"]), listed, int(data["skipped"]) - len(listed)
        )

    def as_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "lines": self.lines,
            "skipped": self.skipped,
            "malformed": [{"line": bad.line, "reason": bad.reason} for bad in self.malformed[:100]],
        }


class MalformedInput(ValueError):
    """More malformed lines than the tolerance allows: the import stops and nothing is kept."""

    def __init__(self, report: ImportReport, tolerance: float) -> None:
        self.report = report
        self.tolerance = tolerance
        share = round(100 * report.skipped / max(report.lines, 1), 2)
        named = "; ".join(str(bad) for bad in report.malformed[:_NAMED])
        super().__init__(
            f"{report.source}: {report.skipped} malformed lines out of {report.lines} "
            f"({share:g} %), more than the {round(100 * tolerance, 3):g} % allowed: {named}"
        )


def tolerant[Raw, Row](
    rows: Iterable[tuple[int, Raw]],
    parse: Callable[[Raw], Row],
    *,
    source: str,
    tolerance: float = DEFAULT_TOLERANCE,
) -> tuple[list[Row], ImportReport]:
    """Parse numbered raw rows; skip and report the malformed ones, or refuse the whole file.

    `rows` gives (line number, raw row); `parse` raises one of `PARSE_ERRORS` with a readable
    message on a row it cannot read. Raises `MalformedInput` when the malformed lines are more
    than `tolerance` (a share, 0.001 = 0.1 %) of the lines.
    """
    if not 0 <= tolerance < 1:
        raise ValueError(f"the tolerance is a share between 0 and 1, not {tolerance}")
    report = ImportReport(source)
    parsed: list[Row] = []
    for line, raw in rows:
        report.lines += 1
        try:
            parsed.append(parse(raw))
        except PARSE_ERRORS as error:
            report.malformed.append(MalformedLine(line, str(error) or type(error).__name__))
    report.enforce(tolerance)
    return parsed, report


Problem = Literal["not_text", "empty", "missing_column", "too_long"]
_PROBLEMS: dict[Problem, str] = {
    "not_text": "not UTF-8 text",
    "empty": "no data line",
    "missing_column": "lacks the column",
    "too_long": "more lines than",
}


class UnreadableInput(ValueError):
    """The file as a whole cannot be read, whatever the tolerance: `problem` says why
    (not UTF-8 text, no header or no data line, a required column missing, too many lines);
    `detail` names the column or the limit, `line` the line at fault when there is one."""

    def __init__(
        self, source: str, problem: Problem, detail: str = "", line: int | None = None
    ) -> None:
        self.source = source
        self.problem = problem
        self.detail = detail
        self.line = line
        where = f"{source}: line {line}" if line is not None else source
        super().__init__(f"{where}: {_PROBLEMS[problem]} {detail}".rstrip())


def utf8_text(content: bytes | str, *, source: str) -> str:
    """`content` as UTF-8 text (a leading byte-order mark dropped), or `UnreadableInput` that
    names the first line that is not UTF-8."""
    if isinstance(content, str):
        return content
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as bad:
        line = content[: bad.start].count(b"\n") + 1
        raise UnreadableInput(source, "not_text", line=line) from None


_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def _lenient_text(content: bytes | str, source: str) -> str:
    """Text where a byte that is not UTF-8 stays a lone surrogate: only its line is malformed.
    A file in UTF-16, or whose header is not UTF-8, is not text at all."""
    if isinstance(content, str):
        return content
    if content.startswith(_UTF16_MARKS) or b"\x00" in content[:256]:
        raise UnreadableInput(source, "not_text", line=1)
    text = content.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    if _not_utf8(text.partition("\n")[0]):
        raise UnreadableInput(source, "not_text", line=1)
    return text


def _not_utf8(text: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in text)


class CsvRecord(dict[str, str]):
    """One data line of a CSV file: its fields by column name, and its `line` number."""

    def __init__(self, fields: Iterable[tuple[str, str]], line: int) -> None:
        super().__init__(fields)
        self.line = line


@dataclass(frozen=True)
class _Header:
    columns: tuple[str, ...]

    def record(self, line: int, fields: Sequence[str] | csv.Error) -> CsvRecord:
        if isinstance(fields, csv.Error):
            raise ValueError(str(fields))
        extra = fields[len(self.columns) :]
        if any(value.strip() for value in extra):
            raise ValueError("more fields than the header")
        if any(_not_utf8(value) for value in fields):
            raise ValueError("not UTF-8 text")
        padded = [*fields[: len(self.columns)], *[""] * (len(self.columns) - len(fields))]
        return CsvRecord(zip(self.columns, padded, strict=True), line)


def _numbered(reader: Iterator[list[str]], lines: Callable[[], int]) -> Iterator[tuple[int, Any]]:
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # a field beyond the size limit, a stray quote
            yield lines(), error
            continue
        if any(value.strip() for value in fields):
            yield lines(), fields


def tolerant_csv[Row](
    content: bytes | str,
    parse: Callable[[CsvRecord], Row],
    *,
    source: str,
    required: Sequence[str] = (),
    tolerance: float = DEFAULT_TOLERANCE,
    delimiters: str = ",;\t",
    max_lines: int | None = None,
) -> tuple[list[Row], ImportReport]:
    """The rows of a CSV file with a header, through `tolerant`.

    The delimiter is sniffed among `delimiters`; the header's names are stripped and lower
    case, and so are the keys of the `CsvRecord` that `parse` receives (missing trailing fields
    are empty strings; its `line` is the line number).
    A line with more (non-empty) fields than the header, a line that is not UTF-8 and a line the CSV
    reader refuses are malformed lines like those `parse` refuses. Blank lines are not
    counted. Raises `UnreadableInput` (not text, no header, a `required` column missing, no
    data line, more than `max_lines`) or `MalformedInput` (beyond the tolerance).
    """
    text = _lenient_text(content, source)
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            sample, delimiters=delimiters
        )
    except csv.Error:
        dialect = csv.excel if "," in delimiters or not delimiters else csv.excel_tab
    reader = csv.reader(io.StringIO(text, newline=""), dialect=dialect)
    rows = _numbered(reader, lambda: reader.line_num)
    first = next(rows, None)
    if first is None or isinstance(first[1], csv.Error):
        raise UnreadableInput(source, "empty")
    header = _Header(tuple(name.strip().lower() for name in first[1]))
    for column in required:
        if column not in header.columns:
            raise UnreadableInput(source, "missing_column", column)

    def limited() -> Iterator[tuple[int, tuple[int, Any]]]:
        for count, (line, fields) in enumerate(rows, start=1):
            if max_lines is not None and count > max_lines:
                raise UnreadableInput(source, "too_long", str(max_lines), line=line)
            yield line, (line, fields)

    parsed, report = tolerant(
        limited(), lambda raw: parse(header.record(*raw)), source=source, tolerance=tolerance
    )
    if report.lines == 0:
        raise UnreadableInput(source, "empty")
    return parsed, report
