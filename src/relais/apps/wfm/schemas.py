"""Input and output schemas of the planning API (one input and one output per endpoint)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from relais.apps.wfm.history import MAX_TOLERANCE
from relais.core.importing import DEFAULT_TOLERANCE


class ForecastCreate(Schema):
    site_id: int
    queue: str = Field(min_length=1, max_length=120)
    history_csv: str = Field(
        min_length=1, description="CSV text: start (ISO datetime), volume, optional aht_seconds"
    )
    tolerance_percent: float = Field(
        default=100 * DEFAULT_TOLERANCE,
        ge=0,
        le=100 * MAX_TOLERANCE,
        description="malformed lines skipped and reported up to this share of the lines (%); "
        "beyond it the file is refused (history_malformed)",
    )
    horizon_start: date | None = None
    horizon_days: int = Field(default=7, ge=1, le=62)
    methods: list[str] | None = Field(
        default=None, description="candidate methods; default: the seasonal baselines"
    )


class ScoreRead(Schema):
    method: str
    wape: float | None
    mase: float | None


class ForecastValueRead(Schema):
    start: datetime
    volume: float
    aht_seconds: float | None
    is_history: bool


class MalformedLineRead(Schema):
    line: int
    reason: str


class ImportReportRead(Schema):
    """The history file read: its data lines, and the malformed ones skipped (100 at most)."""

    lines: int
    skipped: int
    malformed: list[MalformedLineRead]


class ForecastRead(Schema):
    id: int
    site_id: int
    queue: str
    interval_minutes: int
    method: str
    wape: float | None
    mase: float | None
    scores: list[ScoreRead]
    horizon_start: date
    horizon_end: date
    import_report: ImportReportRead | None = Field(
        default=None, description="the history file read (none for the live history)"
    )
    created_at: datetime


class ForecastDetail(ForecastRead):
    values: list[ForecastValueRead]


class StaffingCreate(Schema):
    forecast_id: int
    model: str = "erlang_c"
    service_level: float | None = Field(default=0.8, ge=0, le=1)
    threshold_s: float = Field(default=20.0, ge=0)
    max_occupancy: float | None = Field(default=None, gt=0, le=1)
    max_asa_s: float | None = Field(default=None, ge=0)
    max_abandonment: float | None = Field(default=None, ge=0, le=1)
    patience_s: float | None = Field(default=None, gt=0)
    shrinkage: float = Field(default=0.3, ge=0, lt=1)
    default_aht_s: float = Field(default=300.0, gt=0)


class StaffingRowRead(Schema):
    start: datetime
    volume: float
    aht_seconds: float
    required_agents: int
    scheduled_agents: int
    service_level: float
    occupancy: float
    abandonment: float


class StaffingRead(Schema):
    id: int
    site_id: int
    forecast_id: int
    model: str
    targets: dict[str, float | None]
    created_at: datetime


class StaffingDetail(StaffingRead):
    rows: list[StaffingRowRead]


class ScheduleCreate(Schema):
    week_start: date
    site_ids: list[int] = Field(min_length=1)
    max_seconds: float = Field(default=10.0, ge=1, le=120)


class BreakRead(Schema):
    name: str
    start: datetime
    end: datetime
    paid: bool


class ShiftRead(Schema):
    id: int
    agent_id: int
    site_id: int
    start: datetime
    end: datetime
    local_start: str
    local_end: str
    time_zone: str
    breaks: list[BreakRead]


class ScheduleRead(Schema):
    id: int
    week_start: date
    site_ids: list[int]
    status: str
    objective: float
    bound: float
    gap_pct: float
    seconds: float
    created_at: datetime


class ScheduleDetail(ScheduleRead):
    shifts: list[ShiftRead]


class ScheduleSolveRead(Schema):
    """A schedule solve (a background job): its progress, and when done its schedule."""

    id: int
    week_start: date
    site_ids: list[int]
    status: str = Field(description="queued, running, done or failed")
    status_label: str
    phase: str
    phase_label: str
    percent: int = Field(ge=0, le=100)
    error: str = Field(description="why it failed (empty otherwise)")
    status_url: str = Field(description="GET it for the progress")
    schedule: ScheduleDetail | None = Field(description="the result, once status is done")


class AdherenceLineRead(Schema):
    label: str
    site: str
    scheduled_minutes: int = Field(description="scheduled minutes up to measured_until")
    worked_minutes: int = Field(description="minutes working up to measured_until")
    adherence_pct: float | None
    conformance_pct: float | None
    planned_minutes: int = Field(description="scheduled minutes after now: planned, not measured")


class AdherenceRead(Schema):
    start: datetime
    end: datetime
    measured_until: datetime = Field(description="min(end, now): the figures cover start to it")
    has_state_log: bool
    agents: list[AdherenceLineRead]
    sites: list[AdherenceLineRead]


class SiteCalendarUpdate(Schema):
    observes_ramadan: bool | None = None
    ramadan_days: dict[str, list[str]] = Field(
        default_factory=dict, description='{"1446": ["2025-03-01", "2025-03-30"]}'
    )
    ramadan_max_paid_hours: int = 6
    closes_on_public_holidays: bool | None = Field(
        default=None,
        description="true: closed on every public holiday; false: open on all; "
        "null: the forecast learns from history which ones the site closes",
    )


class SiteCalendarRead(Schema):
    site_id: int
    observes_ramadan: bool
    ramadan_days: dict[str, list[str]]
    ramadan_max_paid_hours: int
    closes_on_public_holidays: bool | None
