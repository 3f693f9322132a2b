"""One input and one output schema per endpoint of the simulation API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, StringConstraints

from relais.apps.simulation.validation import MAX_REPLICATIONS, MAX_TOML_CHARS

Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Replications = Annotated[int, Field(ge=1, le=MAX_REPLICATIONS)]


class ScenarioRead(Schema):
    id: int
    name: str
    source: str
    created_by_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ScenarioDetail(ScenarioRead):
    toml: str


class ScenarioCreate(Schema):
    name: Name
    toml: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TOML_CHARS)]


class LiveScenarioCreate(Schema):
    name: Name
    calls_per_hour: Annotated[float, Field(ge=0, le=10_000)] = 30.0
    hours: Annotated[float, Field(gt=0, le=24 * 7)] = 8.0
    replications: Replications = 5


class RunCreate(Schema):
    replications: Replications = 5


class ComparisonCreate(Schema):
    first_run_id: int
    second_run_id: int


class RunRead(Schema):
    id: int
    scenario_id: int
    against_id: int | None
    replications: int
    status: str
    progress: float
    error: str
    requested_by_id: int | None
    requested_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class RunDetail(RunRead):
    summary: dict[str, Any] | None
