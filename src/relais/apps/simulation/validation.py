"""A scenario's TOML text into the core's `Scenario`, or a RelaisError naming the field."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Any

from relais.apps.errors import RelaisError
from relais.apps.simulation.errors import ErrorCode
from relais.core.simulation import Scenario, ScenarioError, parse_scenario

MAX_TOML_CHARS = 200_000
MAX_REPLICATIONS = 100


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
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RelaisError(
            ErrorCode.INVALID_SCENARIO, details=f"{source}: not valid TOML: {error}"
        ) from None
    field = _file_reference(data)
    if field is not None:
        raise RelaisError(ErrorCode.FILES_NOT_ALLOWED, field=field)
    try:
        return parse_scenario(data, source=source)
    except (ScenarioError, ValueError) as error:
        raise RelaisError(ErrorCode.INVALID_SCENARIO, details=str(error)) from None


def check_replications(replications: int) -> None:
    if not 1 <= replications <= MAX_REPLICATIONS:
        raise RelaisError(ErrorCode.INVALID_REPLICATIONS, maximum=MAX_REPLICATIONS)
