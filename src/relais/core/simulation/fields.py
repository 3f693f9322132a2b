"""Reading a TOML table field by field, with errors that name the file and the field."""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from relais.core.clock import from_datetime
from relais.core.importing import ImportReport
from relais.core.simulation.scenario import ScenarioError

__all__ = ["Table"]

_MISSING: Any = object()


class Table:
    """One TOML table at `where` (e.g. "queues[2]") of the scenario `source`."""

    def __init__(
        self,
        data: Mapping[str, Any],
        where: str,
        source: str,
        imports: list[ImportReport] | None = None,
    ) -> None:
        if not isinstance(data, Mapping):
            raise ScenarioError(f"{source}: {where}: expected a table, got {_kind(data)}")
        self.data = data
        self.where = where
        self.source = source
        #: the reports of the files read for the scenario, shared by all its tables
        self.imports: list[ImportReport] = [] if imports is None else imports
        self._read: set[str] = set()

    def error(self, key: str, message: str) -> ScenarioError:
        place = f"{self.where}.{key}" if self.where else key
        return ScenarioError(f"{self.source}: {place}: {message}")

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        self._read.add(key)
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            raise self.error(key, "missing (this field is required)")
        return default

    def text(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"expected a non-empty string, got {_kind(value)}")
        return value

    def number(self, key: str, default: Any = _MISSING, *, minimum: float | None = None) -> Any:
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise self.error(key, f"expected a number, got {_kind(value)}")
        if minimum is not None and value < minimum:
            raise self.error(key, f"must be at least {minimum}, got {value}")
        return float(value)

    def integer(self, key: str, default: Any = _MISSING, *, minimum: int | None = None) -> Any:
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"expected a whole number, got {_kind(value)}")
        if minimum is not None and value < minimum:
            raise self.error(key, f"must be at least {minimum}, got {value}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {_kind(value)}")
        return value

    def choice[T](self, key: str, options: Mapping[str, T], default: Any = _MISSING) -> T:
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            result: T = value
            return result
        if not isinstance(value, str) or value not in options:
            expected = ", ".join(sorted(options))
            raise self.error(key, f"unknown value {value!r} (expected one of: {expected})")
        return options[value]

    def strings(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, f"expected a list of strings, got {_kind(value)}")
        return tuple(value)

    def numbers(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        ):
            raise self.error(key, f"expected a non-empty list of numbers, got {_kind(value)}")
        if min(value) < 0:
            raise self.error(key, "values must not be negative")
        return tuple(float(v) for v in value)

    def levels(self, key: str) -> dict[str, int]:
        """A table of name -> whole number (skill levels, capacities)."""
        value = self.raw(key, {})
        if not isinstance(value, Mapping):
            raise self.error(key, f"expected a table such as {{ orders = 2 }}, got {_kind(value)}")
        for name, level in value.items():
            if isinstance(level, bool) or not isinstance(level, int) or level < 0:
                raise self.error(f"{key}.{name}", f"expected a whole number >= 0, got {level!r}")
        return dict(value)

    def table(self, key: str) -> Table | None:
        value = self.raw(key, None)
        if value is None:
            return None
        return Table(value, f"{self.where}.{key}" if self.where else key, self.source, self.imports)

    def tables(self, key: str) -> list[Table]:
        value = self.raw(key, [])
        if not isinstance(value, list):
            raise self.error(key, f"expected a list of tables ([[{key}]]), got {_kind(value)}")
        prefix = f"{self.where}." if self.where else ""
        return [
            Table(item, f"{prefix}{key}[{i}]", self.source, self.imports)
            for i, item in enumerate(value)
        ]

    def moment(self, key: str, zone: str, day: date, default: Any = _MISSING) -> Any:
        """An instant: "HH:MM" on `day` in `zone`, an ISO date-time, or a TOML date-time."""
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        try:
            return _moment(value, zone, day)
        except (TypeError, ValueError) as error:
            raise self.error(key, f"{error}") from None

    def minutes_of_day(self, key: str, default: Any = _MISSING) -> Any:
        """Local "HH:MM" as minutes after midnight ("24:00" is 1440)."""
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        if isinstance(value, time):
            return value.hour * 60 + value.minute + value.second / 60
        try:
            hours, minutes = str(value).split(":")
            result = int(hours) * 60 + int(minutes)
        except ValueError:
            raise self.error(key, f"expected a time like '08:30', got {value!r}") from None
        if not 0 <= result <= 1440:
            raise self.error(key, f"time out of range: {value!r}")
        return float(result)

    def check_unknown(self) -> None:
        """Refuse fields nobody read: a typo must not be silently ignored."""
        for key in self.data:
            if key not in self._read:
                close = difflib.get_close_matches(key, sorted(self._read), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise self.error(key, f"unknown field{hint}")


def _moment(value: object, zone: str, day: date) -> float:
    tz = ZoneInfo(zone)
    if isinstance(value, datetime):
        return from_datetime(value if value.tzinfo is not None else value.replace(tzinfo=tz))
    if isinstance(value, date):
        return from_datetime(datetime.combine(value, time(), tzinfo=tz))
    if isinstance(value, time):
        return from_datetime(datetime.combine(day, value, tzinfo=tz))
    if not isinstance(value, str):
        raise TypeError(f"expected a time such as '09:00' or a date-time, got {_kind(value)}")
    if len(value) <= 5 and ":" in value:
        hours, minutes = value.split(":")
        local = datetime.combine(day, time(), tzinfo=tz)
        return from_datetime(local + timedelta(hours=int(hours), minutes=int(minutes)))
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"cannot read {value!r} as a time ('09:00') or a date-time") from None
    return from_datetime(parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz))


def _kind(value: object) -> str:
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"
