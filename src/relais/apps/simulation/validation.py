"""A scenario's TOML text into the core's `Scenario`, or a RelaisError naming the field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from relais.apps.errors import RelaisError
from relais.apps.simulation.errors import ErrorCode
from relais.core.simulation import (
    LIMITS,
    Scenario,
    ScenarioError,
    ScenarioLimitError,
    ScenarioSyntaxError,
    parse_scenario,
    toml_read,
)

MAX_TOML_CHARS = LIMITS.toml_chars
MAX_REPLICATIONS = LIMITS.replications


def _file_reference(data: Any, where: str = "") -> str | None:
    """The first field that would make the core read a file on the server."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            field = f"{where}.{key}" if where else str(key)
            if key in {"file", "extends"}:
                return field
            found = _file_reference(value, field)
            if found:
                return found
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found = _file_reference(item, f"{where}[{index}]")
            if found:
                return found
    return None


def parse_toml(text: str, *, source: str = "scenario") -> Scenario:
    """Validate a stored scenario; nothing in it may point at a file of the server."""
    if len(text) > MAX_TOML_CHARS:
        raise RelaisError(ErrorCode.SCENARIO_TOO_LARGE, maximum=MAX_TOML_CHARS)
    try:
        data = toml_read(text, source=source)
        field = _file_reference(data)
        if field is not None:
            raise RelaisError(ErrorCode.FILES_NOT_ALLOWED, field=field)
        return parse_scenario(data, source=source)
    except ScenarioLimitError as beyond:
        raise _too_big(beyond) from None
    except ScenarioSyntaxError as fault:
        raise RelaisError(
            ErrorCode.INVALID_TOML, line=fault.line, column=fault.column, details=fault.reason
        ) from None
    except (ScenarioError, ValueError) as error:
        raise RelaisError(ErrorCode.INVALID_SCENARIO, details=str(error)) from None


def _too_big(beyond: ScenarioLimitError) -> RelaisError:
    if beyond.field == "depth":
        return RelaisError(ErrorCode.SCENARIO_TOO_DEEP, maximum=beyond.maximum)
    return RelaisError(
        ErrorCode.SCENARIO_TOO_BIG,
        field=beyond.field,
        value=f"{beyond.value:g}",
        maximum=f"{beyond.maximum:g}",
    )


def check_replications(replications: int) -> None:
    if not 1 <= replications <= MAX_REPLICATIONS:
        raise RelaisError(ErrorCode.INVALID_REPLICATIONS, maximum=MAX_REPLICATIONS)
