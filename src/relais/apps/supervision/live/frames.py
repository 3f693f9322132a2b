"""The typed frames the supervision WebSocket sends (and the API returns).

The figures are language-neutral: keys and numbers, rates as fractions in [0, 1], None when
there is no data yet (a dash). Each viewer's frame also carries them in words, in the viewer's
language (`live.wording.localized`): `display` (figure -> formatted text) on every row and
`text` on every alert; the page translates states and site kinds from its labels.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

DIMENSIONS = ("queue", "site", "site_kind", "partner", "team", "agent")


class FigureRow(BaseModel):
    key: str
    label: str
    label_fr: str | None = None
    waiting: int = 0
    oldest_waiting_seconds: float | None = None
    longest_wait_seconds: float | None = None
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    handled: int = 0
    service_level: float | None = None
    service_level_30m: float | None = None
    service_level_target: float | None = None
    service_level_seconds: float | None = None
    average_speed_of_answer: float | None = None
    average_handling_time: float | None = None
    abandonment_rate: float | None = None
    occupancy: float | None = None
    agents_by_state: dict[str, int] = Field(default_factory=dict)
    levels: dict[str, str] = Field(default_factory=dict)  # ok / warn / bad (live.thresholds)
    display: dict[str, str] = Field(default_factory=dict)  # formatted figures (live.wording)


class AgentRow(BaseModel):
    key: str
    label: str
    team: str
    site: str
    site_kind: str
    partner: str
    state: str
    reason: str | None
    seconds_in_state: float
    occupancy: float | None
    handled: int
    average_handling_time: float | None
    display: dict[str, str] = Field(default_factory=dict)  # formatted figures (live.wording)


class Alert(BaseModel):
    """`unreachable`: contacts wait (value: how many) in a queue that nobody can reach now;
    `disconnected`: an agent lost their connection (value: seconds since).

    `since` is when this occurrence began (docs/supervision.md, "Alerts"): an acknowledgement
    made at or after it covers it; a later occurrence shows again."""

    kind: Literal["service_level", "waiting", "break", "unreachable", "disconnected"]
    key: str  # queue code or agent id
    subject: str
    value: float
    threshold: float
    since: dt.datetime
    acknowledged_by: str | None = None
    acknowledged_at: dt.datetime | None = None
    text: str = ""  # the alert as a sentence in the viewer's language (live.wording)


class DayChart(BaseModel):
    """The day so far by 15 minutes, per site kind: contacts answered and service level."""

    intervals: list[dt.datetime]
    answered: dict[str, list[int]]
    service_level: dict[str, list[float | None]]
    unanswered: list[int]


class LiveFigures(BaseModel):
    type: Literal["supervision.figures"] = "supervision.figures"
    at: dt.datetime
    scope: str
    totals: FigureRow
    rows: dict[str, list[FigureRow]]
    agents: list[AgentRow]
    alerts: list[Alert]
    chart: DayChart
    language: str = ""  # of `display` and the alerts' `text` (empty: not localized)
