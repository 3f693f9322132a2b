"""How big a scenario may be (issue 25, finding 3): refused while it is read, before any work.

A scenario of `hours = 1000000` once took 19 GB in 90 s. Every bound here is checked by
`parsing.parse_scenario` (the command line and the application alike) and names the field;
the application turns a `ScenarioLimitError` into a translated error (apps/simulation).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from relais.core.simulation.arrivals import base_volumes
from relais.core.simulation.scenario import Scenario, ScenarioError, VolumeShock

__all__ = [
    "LIMITS",
    "ScenarioLimitError",
    "ScenarioLimits",
    "ScenarioSyntaxError",
    "size_check",
    "toml_read",
]


@dataclass(frozen=True, slots=True)
class ScenarioLimits:
    hours: float = 31 * 24  # a month
    drain_hours: float = 7 * 24
    replications: int = 100
    contacts: int = 500_000  # expected arrivals in one replication, volume shocks included
    agents: int = 20_000
    toml_chars: int = 200_000
    toml_depth: int = 10  # tables and lists inside one another (a scenario needs 6)


LIMITS = ScenarioLimits()


class ScenarioLimitError(ScenarioError):
    """A field beyond its bound: `field`, the `value` given and the `maximum`."""

    def __init__(self, source: str, field: str, value: float, maximum: float) -> None:
        self.field = field
        self.value = value
        self.maximum = maximum
        super().__init__(f"{source}: {field}: at most {maximum:g}, got {value:g}")


class ScenarioSyntaxError(ScenarioError):
    """Text that is not TOML: the `line` and `column` of the fault, and the parser's `reason`.
    A TOML file is read whole or not at all: there is no line to skip."""

    def __init__(self, source: str, line: int, column: int, reason: str) -> None:
        self.line = line
        self.column = column
        self.reason = reason
        super().__init__(f"{source}: line {line}, column {column}: not valid TOML: {reason}")


_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def _syntax_error(source: str, error: tomllib.TOMLDecodeError) -> ScenarioSyntaxError:
    """Python 3.12's TOMLDecodeError has its place only in its message: "… (at line 3, column
    5)"; Python 3.14 gives `lineno` and `colno`."""
    text = str(error.args[0]) if error.args else str(error)
    found = _AT.search(text)
    line = getattr(error, "lineno", None) or (int(found.group(1)) if found else 1)
    column = getattr(error, "colno", None) or (int(found.group(2)) if found else 1)
    reason = getattr(error, "msg", None) or (text[: found.start()] if found else text)
    return ScenarioSyntaxError(source, line, column, reason)


def toml_read(text: str, *, source: str, limits: ScenarioLimits = LIMITS) -> dict[str, Any]:
    """`text` as TOML, refused when longer or deeper than `limits` (a deeply nested document
    exhausted the parser's recursion: a server error)."""
    if len(text) > limits.toml_chars:
        raise ScenarioLimitError(source, "characters", len(text), limits.toml_chars)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(source, error) from None
    except RecursionError:
        raise ScenarioLimitError(source, "depth", float("inf"), limits.toml_depth) from None
    depth = _depth(data)
    if depth > limits.toml_depth:
        raise ScenarioLimitError(source, "depth", depth, limits.toml_depth)
    return data


def _depth(data: Any) -> int:
    """How many tables and lists lie inside one another, without recursion."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(data, 0)]
    while pending:
        value, level = pending.pop()
        if isinstance(value, Mapping):
            children = list(value.values())
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level + 1)
        pending.extend((child, level + 1) for child in children)
    return deepest


def size_check(scenario: Scenario, *, source: str, limits: ScenarioLimits = LIMITS) -> None:
    """Refuse a scenario whose traffic or staff is beyond `limits` (its duration, drain and
    replications are checked field by field as they are read)."""
    agents = sum(group.count for group in scenario.agents)
    if agents > limits.agents:
        raise ScenarioLimitError(source, "agents.count (all groups)", agents, limits.agents)
    surge = 1.0
    for event in scenario.events:
        if isinstance(event, VolumeShock) and event.factor > 1:
            surge *= event.factor  # overlapping shocks multiply
    contacts = float(base_volumes(scenario).sum()) * surge
    if contacts > limits.contacts:
        raise ScenarioLimitError(source, "expected contacts", round(contacts), limits.contacts)
