"""Reading a file a user gives, line by line, without ever failing on one bad line.

Every importer (call logs for replay, histories for forecasting, agent lists, partners' reported
figures) parses its rows through `tolerant`: a line that does not parse is counted with its line
number and reason. Below the tolerance (by default 0.1 % of the lines) the bad lines are skipped
and reported; above it the import stops with `MalformedInput`, which names the first of them.
Never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

__all__ = [
    "DEFAULT_TOLERANCE",
    "PARSE_ERRORS",
    "ImportReport",
    "MalformedInput",
    "MalformedLine",
    "tolerant",
]

DEFAULT_TOLERANCE = 0.001
"""Share of a file's lines that may be malformed and skipped (0.1 %)."""

PARSE_ERRORS: tuple[type[Exception], ...] = (ValueError, KeyError, IndexError, TypeError)
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

    @property
    def skipped(self) -> int:
        return len(self.malformed)

    def within(self, tolerance: float) -> bool:
        return self.skipped <= tolerance * self.lines

    def summary(self) -> str:
        """One line for a person: how many lines were read and which were skipped."""
        if not self.malformed:
            return f"{self.source}: {self.lines} lines read"
        named = "; ".join(str(bad) for bad in self.malformed[:_NAMED])
        more = f" (and {self.skipped - _NAMED} more)" if self.skipped > _NAMED else ""
        read = f"{self.source}: {self.lines} lines read"
        return f"{read}, {self.skipped} malformed skipped: {named}{more}"

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
        share = 100 * report.skipped / max(report.lines, 1)
        named = "; ".join(str(bad) for bad in report.malformed[:_NAMED])
        super().__init__(
            f"{report.source}: {report.skipped} malformed lines out of {report.lines} "
            f"({share:.2g} %), more than the {100 * tolerance:.2g} % allowed: {named}"
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
    if not report.within(tolerance):
        raise MalformedInput(report, tolerance)
    return parsed, report
