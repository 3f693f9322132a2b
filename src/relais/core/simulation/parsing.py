"""The TOML scenario format (docs/simulation.md) into a `Scenario`, with clear errors.

Every error is a `ScenarioError` whose message names the file and the field
(`base.toml: queues[1].handling.mean: expected a number, got the string 'x'`); unknown
fields are refused with a suggestion, so that a typo never silently changes a result.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from relais.core.briefings import Rollout, RolloutMode
from relais.core.importing import UnreadableInput, utf8_text
from relais.core.kpi import KpiConfig
from relais.core.routing import (
    AnyOf,
    BreakReason,
    Channel,
    Exhausted,
    ExhaustedAction,
    InProgress,
    OverflowStep,
    QueueConfig,
    Schedule,
    ServiceLevel,
    Site,
    SiteKind,
    SplitShare,
    Strategy,
    Target,
    VolumeSplit,
    weekly,
)
from relais.core.simulation.distributions import (
    Distribution,
    Exponential,
    Never,
)
from relais.core.simulation.fields import Table
from relais.core.simulation.limits import (
    LIMITS,
    ScenarioLimitError,
    ScenarioLimits,
    size_check,
    toml_read,
)
from relais.core.simulation.scenario import (
    AgentGroup,
    BreakSpec,
    BriefingRollout,
    ChannelShift,
    GroupPrice,
    LinkDown,
    PartnerBilling,
    PartnerClosed,
    QueueSpec,
    Scenario,
    ScenarioError,
    ScenarioEvent,
    ShiftSpec,
    VolumeShock,
)
from relais.core.simulation.traffic import distribution, replay_file

__all__ = ["load_scenario", "parse_scenario"]

_CHANNELS = {str(channel): channel for channel in Channel}
_KINDS = {kind.value: kind for kind in SiteKind}
_STRATEGIES = {strategy.value: strategy for strategy in Strategy}
_EXHAUSTED = {action.value: action for action in ExhaustedAction}
_IN_PROGRESS = {mode.value: mode for mode in InProgress}
_REASONS = {reason.value: reason for reason in BreakReason}
_DAYS = {
    name: index for index, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
}


def load_scenario(path: str | Path) -> Scenario:
    """Read a TOML scenario file; relative file names inside are relative to it.

    `extends = "base.toml"` at the top reads that file first: the [scenario] fields given
    here override its fields, [[events]] are added to its events, any other table or list
    given here replaces the base's.
    """
    file = Path(path)
    data = _read_toml(file, 0)
    return parse_scenario(data, source=file.name, base_dir=file.parent)


def _read_toml(file: Path, depth: int) -> dict[str, Any]:
    try:
        text = utf8_text(file.read_bytes(), source=file.name)
    except OSError as error:
        raise ScenarioError(f"{file}: cannot read the scenario ({error.strerror})") from None
    except UnreadableInput as error:
        raise ScenarioError(str(error)) from None
    data = toml_read(text, source=file.name)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str) or depth > 5:
        raise ScenarioError(f"{file.name}: extends: expected the name of a scenario file")
    base = _read_toml(file.parent / parent, depth + 1)
    merged = dict(base)
    for key, value in data.items():
        if key == "scenario" and isinstance(value, dict):
            merged[key] = {**base.get("scenario", {}), **value}
        elif key == "events" and isinstance(value, list):
            merged[key] = [*base.get("events", []), *value]
        else:
            merged[key] = value
    return merged


def parse_scenario(
    data: Mapping[str, Any],
    *,
    source: str = "scenario",
    base_dir: Path | None = None,
    limits: ScenarioLimits = LIMITS,
) -> Scenario:
    """`data` (read from TOML) as a `Scenario`; beyond `limits` a `ScenarioLimitError`,
    raised before anything is generated."""
    root = Table(data, "", source)
    head = root.table("scenario")
    if head is None:
        raise root.error("scenario", "missing: the file needs a [scenario] table")
    zone = _zone(head, "time_zone", "UTC")
    start_value = head.raw("start")
    if not isinstance(start_value, datetime | str):
        raise head.error("start", "expected a date-time such as 2026-03-02T07:00:00+01:00")
    start = head.moment("start", zone, date(1970, 1, 1))
    day = datetime.fromtimestamp(start, ZoneInfo(zone)).date()
    hours = head.number("hours", None, minimum=0.0)
    days = head.number("days", None, minimum=0.0)
    if (hours is None) == (days is None):
        raise head.error("hours", "give the duration as either hours or days (one of them)")
    duration = (hours or 0.0) * 3600 + (days or 0.0) * 86400
    if duration <= 0:
        raise head.error("hours" if hours is not None else "days", "the duration must be > 0")
    if duration > limits.hours * 3600:
        given = ("scenario.hours", hours) if hours is not None else ("scenario.days", days)
        maximum = limits.hours if hours is not None else limits.hours / 24
        raise ScenarioLimitError(source, given[0], given[1] or 0.0, maximum)
    scenario_fields: dict[str, Any] = {
        "name": head.text("name"),
        "start": start,
        "duration_s": duration,
        "interval_s": head.number("interval_minutes", 30.0, minimum=1.0) * 60,
        "seed": head.integer("seed", 1, minimum=0),
        "replications": head.integer("replications", 10, minimum=1),
        "time_zone": zone,
        "drain_s": head.number("drain_hours", 4.0, minimum=0.0) * 3600,
        "warm_up_s": head.number("warm_up_minutes", 0.0, minimum=0.0) * 60,
        "agent_states": head.flag("agent_states", True),
    }
    for key, field, maximum in (
        ("replications", "replications", limits.replications),
        ("drain_s", "drain_hours", limits.drain_hours * 3600),
    ):
        if scenario_fields[key] > maximum:
            scale = 3600 if key == "drain_s" else 1
            raise ScenarioLimitError(
                source, f"scenario.{field}", scenario_fields[key] / scale, maximum / scale
            )
    head.check_unknown()
    kpi = root.table("kpi")
    config = KpiConfig(fcr_window_seconds=None)
    if kpi is not None:
        config = KpiConfig(
            service_level_seconds=kpi.number("service_level_seconds", 20.0, minimum=0.0),
            short_abandon_seconds=kpi.number("short_abandon_seconds", 5.0, minimum=0.0),
            fcr_window_seconds=None,
        )
        kpi.check_unknown()
    sites = tuple(_site(table, zone) for table in root.tables("sites"))
    if not sites:
        raise root.error("sites", "missing: at least one [[sites]] is needed")
    _unique(root, "sites", [site.site_id for site in sites])
    site_ids = {site.site_id for site in sites}
    queues = tuple(_queue(table, zone, base_dir) for table in root.tables("queues"))
    if not queues:
        raise root.error("queues", "missing: at least one [[queues]] is needed")
    _unique(root, "queues", [queue.queue_id for queue in queues])
    queue_ids = {queue.queue_id for queue in queues}
    for index, queue in enumerate(queues):
        target = queue.config.exhausted.queue_id
        if target is not None and target not in queue_ids:
            raise ScenarioError(f"{source}: queues[{index}].exhausted.queue: no queue {target!r}")
    agents = tuple(_agents(table, site_ids) for table in root.tables("agents"))
    partners = tuple(_billing(table) for table in root.tables("partners"))
    events = tuple(_event(t, zone, day, site_ids, queue_ids) for t in root.tables("events"))
    replay_table = root.table("replay")
    replay = replay_report = None
    if replay_table is not None:
        replay, replay_report = replay_file(replay_table, start, zone, queue_ids, base_dir)
        replay_table.check_unknown()
    root.check_unknown()
    scenario = Scenario(
        import_reports=tuple(root.imports),
        sites=sites,
        queues=queues,
        agents=agents,
        kpi=config,
        partners=partners,
        events=events,
        replay=replay,
        replay_report=replay_report,
        **scenario_fields,
    )
    size_check(scenario, source=source, limits=limits)
    return scenario


def _zone(table: Table, key: str, default: str) -> str:
    zone: str = table.text(key, default)
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise table.error(key, f"unknown time zone {zone!r} (e.g. 'Europe/Paris')") from None
    return zone


def _unique(root: Table, key: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for index, item in enumerate(ids):
        if item in seen:
            raise ScenarioError(f"{root.source}: {key}[{index}].id: {item!r} is given twice")
        seen.add(item)


def _site(table: Table, zone: str) -> Site:
    site = Site(
        site_id=table.text("id"),
        kind=table.choice("kind", _KINDS, SiteKind.INSHORE),
        partner=table.text("partner", None),
        time_zone=_zone(table, "time_zone", zone),
    )
    table.check_unknown()
    return site


def _hours(table: Table, key: str, zone: str) -> Schedule | None:
    specs = table.strings(key, None)
    if specs is None:
        return None
    hours_zone = _zone(table, "time_zone", zone)
    try:
        parts = tuple(weekly(hours_zone, spec) for spec in specs)
    except ValueError as error:
        raise table.error(key, str(error)) from None
    return parts[0] if len(parts) == 1 else AnyOf(parts)


def _step(table: Table, zone: str) -> OverflowStep:
    kinds = table.strings("site_kinds", ())
    for kind in kinds:
        if kind not in _KINDS:
            raise table.error("site_kinds", f"unknown site kind {kind!r}")
    levels = table.levels("skill_levels") if table.has("skill_levels") else None
    step = OverflowStep(
        after_s=table.number("after_s", 0.0, minimum=0.0),
        target=Target(
            sites=frozenset(table.strings("sites", ())),
            partners=frozenset(table.strings("partners", ())),
            site_kinds=frozenset(_KINDS[kind] for kind in kinds),
            internal=table.flag("internal", False),
        ),
        skill_levels=levels,
        hours=_hours(table, "hours", zone),
        skip_if_empty=table.flag("skip_if_empty", True),
    )
    table.check_unknown()
    return step


def _split(table: Table | None) -> VolumeSplit | None:
    """`[queues.split]`: `shares = [{ partner = "atlas", percent = 40 }, { site = "lille",
    percent = 60 }]`, and optionally `wait_bound_s`, `window`, `tolerance_pct`."""
    if table is None:
        return None
    shares = []
    for share in table.tables("shares"):
        try:
            shares.append(
                SplitShare(
                    share.number("percent", 0.0, minimum=0.0),
                    partner=share.text("partner", None),
                    site=share.text("site", None),
                )
            )
        except ValueError as error:
            raise share.error("percent", str(error)) from None
        share.check_unknown()
    try:
        split = VolumeSplit(
            tuple(shares),
            wait_bound_s=table.number("wait_bound_s", 10.0, minimum=0.0),
            window=table.integer("window", 500),
            tolerance_pct=table.number("tolerance_pct", 2.0, minimum=0.0),
        )
    except ValueError as error:
        raise table.error("shares", str(error)) from None
    table.check_unknown()
    return split


def _queue(table: Table, zone: str, base_dir: Path | None) -> QueueSpec:
    queue_id = table.text("id")
    steps = tuple(_step(step, zone) for step in table.tables("steps")) or (OverflowStep(),)
    exhausted = Exhausted()
    ex = table.table("exhausted")
    if ex is not None:
        exhausted = Exhausted(
            ex.choice("action", _EXHAUSTED),
            ex.number("after_s", 0.0, minimum=0.0),
            ex.text("queue", None),
        )
        ex.check_unknown()
    level = table.table("service_level")
    service_level = ServiceLevel()
    if level is not None:
        service_level = ServiceLevel(
            level.number("fraction", 0.8, minimum=0.0), level.number("within_s", 20.0, minimum=0.0)
        )
        level.check_unknown()
    handling = distribution(table.table("handling"), Exponential(300.0), base_dir)
    split = _split(table.table("split"))
    try:
        config = QueueConfig(
            queue_id=queue_id,
            channel=table.choice("channel", _CHANNELS, Channel.VOICE),
            skills=table.levels("skills"),
            language=table.text("language", None),
            priority=table.integer("priority", 0),
            service_level=service_level,
            hours=_hours(table, "hours", zone),
            strategy=table.choice("strategy", _STRATEGIES, Strategy.LONGEST_IDLE),
            offer_timeout_s=table.number("offer_timeout_s", 15.0, minimum=0.0),
            wrap_up_s=table.number("wrap_up_s", 0.0, minimum=0.0),
            expected_handle_s=min(handling.expected, 86400.0),
            steps=steps,
            exhausted=exhausted,
            chats_during_calls=table.flag("chats_during_calls", False),
            split=split,
        )
    except ValueError as error:
        raise table.error("steps", str(error)) from None
    volumes = table.numbers("volumes", None)
    rate = table.number("rate_per_hour", 0.0, minimum=0.0)
    if volumes is not None and table.has("rate_per_hour"):
        raise table.error("volumes", "give either volumes (per interval) or rate_per_hour")
    spec = QueueSpec(
        config=config,
        handling=handling,
        patience=distribution(table.table("patience"), Never(), base_dir),
        volumes=volumes,
        rate_per_hour=rate,
        concurrency_slowdown=table.number("concurrency_slowdown", 0.0, minimum=0.0),
        handling_by_kind=_handling_by_kind(table, base_dir),
        wrap_up_by_interval=tuple(table.numbers("wrap_up_by_interval", ())),
        wrap_up_by_waiting=_wrap_up_by_waiting(table),
        answer_delay_s=table.number("answer_delay_s", 0.0, minimum=0.0),
        wrap_up_when_waiting=(
            distribution(table.table("wrap_up_when_waiting"), Never(), base_dir)
            if table.has("wrap_up_when_waiting")
            else None
        ),
    )
    table.check_unknown()
    return spec


def _wrap_up_by_waiting(table: Table) -> tuple[tuple[int, float], ...]:
    """`wrap_up_by_waiting = { 0 = 1.2, 2 = 0.9, 4 = 0.75 }`: callers waiting -> factor."""
    steps = table.table("wrap_up_by_waiting")
    if steps is None:
        return ()
    result = []
    for key in steps.data:
        if not str(key).isdigit():
            raise steps.error(str(key), "expected a number of callers waiting (0, 1, 2...)")
        result.append((int(key), steps.number(key, minimum=0.0)))
    return tuple(sorted(result))


def _handling_by_kind(table: Table, base_dir: Path | None) -> tuple[tuple[str, Distribution], ...]:
    """`handling_by_kind = { NW = { law = "exponential", mean = 100 }, ... }`."""
    kinds = table.table("handling_by_kind")
    if kinds is None:
        return ()
    laws = []
    for kind in kinds.data:
        law = kinds.table(kind)
        if law is None:
            raise kinds.error(kind, 'expected a law such as { law = "fixed", value = 60 }')
        laws.append((str(kind), distribution(law, Never(), base_dir)))
    return tuple(laws)


def _agents(table: Table, site_ids: set[str]) -> AgentGroup:
    site = table.text("site")
    if site not in site_ids:
        raise table.error("site", f"no site {site!r} (sites: {', '.join(sorted(site_ids))})")
    capacity_levels = table.levels("capacity") if table.has("capacity") else {"voice": 1}
    capacity: dict[Channel, int] = {}
    for name, value in capacity_levels.items():
        if name not in _CHANNELS:
            raise table.error(
                f"capacity.{name}", f"unknown channel (one of {', '.join(_CHANNELS)})"
            )
        capacity[_CHANNELS[name]] = value
    shifts = tuple(_shift(shift) for shift in table.tables("shifts"))
    per_interval = table.numbers("per_interval", None)
    if shifts and per_interval is not None:
        raise table.error("per_interval", "give either shifts or per_interval staffing, not both")
    group = AgentGroup(
        name=table.text("group"),
        site_id=site,
        count=table.integer("count", minimum=0),
        skills=table.levels("skills"),
        languages=frozenset(table.strings("languages", ())),
        capacity=capacity,
        shifts=shifts,
        per_interval=None if per_interval is None else tuple(int(v) for v in per_interval),
        price=_price(table.table("price")),
    )
    table.check_unknown()
    return group


def _price(table: Table | None) -> GroupPrice | None:
    """`[agents.price]`: per_hour, per_handled, per_resolved (with resolved_share), currency."""
    if table is None:
        return None
    price = GroupPrice(
        per_hour=table.number("per_hour", None, minimum=0.0),
        per_handled=table.number("per_handled", None, minimum=0.0),
        per_resolved=table.number("per_resolved", None, minimum=0.0),
        resolved_share=table.number("resolved_share", None, minimum=0.0),
        currency=table.text("currency", "EUR"),
    )
    if price.resolved_share is not None and price.resolved_share > 1:
        raise table.error(
            "resolved_share", f"a share is between 0 and 1, got {price.resolved_share}"
        )
    if price.per_resolved is not None and price.resolved_share is None:
        raise table.error(
            "resolved_share",
            "missing: a price per resolved contact needs the share of contacts resolved",
        )
    if price.per_hour is None and price.per_handled is None and price.per_resolved is None:
        raise table.error("per_hour", "missing: give per_hour, per_handled or per_resolved")
    table.check_unknown()
    return price


def _shift(table: Table) -> ShiftSpec:
    days: tuple[str, ...] = table.strings("days", ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
    for name in days:
        if name not in _DAYS:
            raise table.error("days", f"unknown day {name!r} (use mon..sun)")
    breaks = []
    for item in table.tables("breaks"):
        breaks.append(
            BreakSpec(
                item.minutes_of_day("start"),
                item.number("minutes", minimum=0.0),
                item.choice("reason", _REASONS, BreakReason.LUNCH),
            )
        )
        item.check_unknown()
    shift = ShiftSpec(
        start_min=table.minutes_of_day("start"),
        end_min=table.minutes_of_day("end"),
        weekdays=frozenset(_DAYS[name] for name in days),
        breaks=tuple(breaks),
    )
    table.check_unknown()
    return shift


def _billing(table: Table) -> PartnerBilling:
    billing = PartnerBilling(
        partner=table.text("id"),
        hourly_rate=table.number("hourly_rate", None, minimum=0.0),
        per_contact_rate=table.number("per_contact_rate", None, minimum=0.0),
        currency=table.text("currency", "EUR"),
    )
    table.check_unknown()
    return billing


def _event(
    table: Table, zone: str, day: date, site_ids: set[str], queue_ids: set[str]
) -> ScenarioEvent:
    kind = table.choice(
        "kind",
        {
            k: k
            for k in ("link_down", "volume_shock", "channel_shift", "partner_closed", "briefing")
        },
    )
    event: ScenarioEvent
    if kind == "link_down":
        site = table.text("site")
        if site not in site_ids:
            raise table.error("site", f"no site {site!r}")
        event = LinkDown(
            site,
            table.moment("at", zone, day),
            table.number("minutes", minimum=0.0),
            table.choice("in_progress", _IN_PROGRESS, InProgress.REQUEUE),
        )
    elif kind == "volume_shock":
        queues = frozenset(table.strings("queues", ()))
        for queue in queues - queue_ids:
            raise table.error("queues", f"no queue {queue!r}")
        event = VolumeShock(
            table.number("factor", minimum=0.0),
            table.moment("from", zone, day, -math.inf),
            table.moment("until", zone, day, math.inf),
            queues,
        )
    elif kind == "channel_shift":
        for key in ("from_queue", "to_queue"):
            if table.text(key) not in queue_ids:
                raise table.error(key, f"no queue {table.data[key]!r}")
        fraction = table.number("fraction", minimum=0.0)
        if fraction > 1:
            raise table.error("fraction", f"a fraction is between 0 and 1, got {fraction}")
        event = ChannelShift(
            table.text("from_queue"),
            table.text("to_queue"),
            fraction,
            table.moment("from", zone, day, -math.inf),
            table.moment("until", zone, day, math.inf),
        )
    elif kind == "briefing":
        event = _briefing(table, zone, day, queue_ids)
    else:
        first = table.raw("date")
        last = table.raw("until_date", first)
        for key, value in (("date", first), ("until_date", last)):
            if not isinstance(value, date) or isinstance(value, datetime):
                raise table.error(key, f"expected a date such as 2026-05-01, got {value!r}")
        event = PartnerClosed(table.text("partner"), first, last)
    table.check_unknown()
    return event


def _briefing(table: Table, zone: str, day: date, queue_ids: set[str]) -> BriefingRollout:
    """`[[events]] kind = "briefing"`: queues, at, reading_minutes, and for waves
    wave_agents or wave_percent with wave_every_minutes."""
    queues = frozenset(table.strings("queues"))
    for queue in sorted(queues - queue_ids):
        raise table.error("queues", f"no queue {queue!r}")
    agents = table.number("wave_agents", None, minimum=1.0)
    percent = table.number("wave_percent", None, minimum=0.0)
    mode = RolloutMode.AFTER_CONTACT if agents is None and percent is None else RolloutMode.WAVES
    try:
        rollout = Rollout(
            start=table.moment("at", zone, day),
            mode=mode,
            wave_agents=None if agents is None else int(agents),
            wave_percent=percent,
            wave_every_s=table.number("wave_every_minutes", 10.0, minimum=0.0) * 60,
        )
    except ValueError as error:
        raise table.error("wave_agents", str(error)) from error
    reading_s = table.number("reading_minutes", 2.0, minimum=0.0) * 60
    return BriefingRollout(queues, rollout, reading_s)
