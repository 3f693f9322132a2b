"""The what-if editor: changes a planner states in a form, written into a scenario's TOML.

`apply_what_if(toml, changes)` edits the base scenario's text with tomlkit (its comments and
layout are kept) and returns the new text; `validation.parse_toml` then checks it like any
scenario. The mapping, one change at a time (docs/simulation.md, "What-if editor"):

- volume change of a queue (%): a `volume_shock` event on that queue, factor 1 + % / 100;
- staffing change of a site (%): every agent group of the site has its `count` (or each
  `per_interval` value) scaled and rounded;
- share of a queue moved to a partner (%): a copy of the queue served only by the partner
  (`<queue>-<partner>`, one step `partners = [partner]`) and a `channel_shift` of that share;
- outage of a site: a `link_down` event from `at` for the minutes until its end, contacts in
  hand re-queued;
- opening hours of a queue: its `hours` replaced by one weekly range.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from typing import Any

import tomlkit
from django.utils.translation import gettext as _
from tomlkit.items import AoT, Table

from relais.apps.errors import RelaisError
from relais.apps.simulation.errors import ErrorCode


@dataclass(frozen=True)
class ShareMove:
    queue: str
    partner: str
    percent: float


@dataclass(frozen=True)
class Outage:
    site: str
    start: time
    end: time

    @property
    def minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)


@dataclass(frozen=True)
class OpeningHours:
    queue: str
    days: str  # "mon-fri", "mon-sat", "mon-sun"
    opens: time
    closes: time


@dataclass(frozen=True)
class WhatIf:
    volume_pct: dict[str, float] = field(default_factory=dict)
    staffing_pct: dict[str, float] = field(default_factory=dict)
    move: ShareMove | None = None
    outage: Outage | None = None
    hours: OpeningHours | None = None


@dataclass(frozen=True)
class ScenarioParts:
    """What the form offers: the ids of the base scenario's queues, sites and partners."""

    queues: list[str]
    sites: list[str]
    partners: list[str]


def _tables(document: Any, key: str) -> list[Any]:
    value = document.get(key)
    return list(value) if isinstance(value, AoT | list) else []


def parts_of(toml: str) -> ScenarioParts:
    document = tomlkit.parse(toml)
    sites = _tables(document, "sites")
    partners = {str(p["id"]) for p in _tables(document, "partners")}
    partners |= {str(s["partner"]) for s in sites if s.get("partner")}
    return ScenarioParts(
        queues=[str(q["id"]) for q in _tables(document, "queues")],
        sites=[str(s["id"]) for s in sites],
        partners=sorted(partners),
    )


def _hhmm(moment: time) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _refuse(details: object) -> RelaisError:
    return RelaisError(ErrorCode.INVALID_WHAT_IF, details=details)


def _scaled(value: int, percent: float) -> int:
    return max(0, round(value * (1 + percent / 100)))


def _event(document: Any, **fields: Any) -> None:
    events = document.get("events")
    if not isinstance(events, AoT):
        events = tomlkit.aot()
        document["events"] = events
    table = tomlkit.table()
    for key, value in fields.items():
        table[key] = value
    events.append(table)


def _queue_table(document: Any, queue_id: str) -> Table:
    for queue in _tables(document, "queues"):
        if str(queue["id"]) == queue_id:
            return queue  # type: ignore[no-any-return]
    raise _refuse(_("the scenario has no queue “%(id)s”") % {"id": queue_id})


def apply_what_if(toml: str, changes: WhatIf) -> str:
    """The base scenario's TOML with ``changes`` written in (see the module's docstring)."""
    try:
        document = tomlkit.parse(toml)
    except tomlkit.exceptions.ParseError as error:
        raise _refuse(
            _("the base scenario is not valid TOML: %(error)s") % {"error": error}
        ) from None
    parts = parts_of(toml)
    for queue_id, percent in changes.volume_pct.items():
        if queue_id not in parts.queues:
            raise _refuse(_("the scenario has no queue “%(id)s”") % {"id": queue_id})
        if percent <= -100:
            raise _refuse(_("a volume change of -100 %% or less leaves no contact"))
        if percent:
            _event(
                document, kind="volume_shock", factor=round(1 + percent / 100, 4), queues=[queue_id]
            )
    for site_id, percent in changes.staffing_pct.items():
        if site_id not in parts.sites:
            raise _refuse(_("the scenario has no site “%(id)s”") % {"id": site_id})
        if percent < -100:
            raise _refuse(_("a staffing change cannot be below -100 %%"))
        if not percent:
            continue
        for group in _tables(document, "agents"):
            if str(group.get("site")) != site_id:
                continue
            if "count" in group:
                group["count"] = _scaled(int(group["count"]), percent)
            if "per_interval" in group:
                group["per_interval"] = [_scaled(int(v), percent) for v in group["per_interval"]]
    if changes.move is not None and changes.move.percent:
        _move(document, parts, changes.move)
    if changes.outage is not None:
        outage = changes.outage
        if outage.site not in parts.sites:
            raise _refuse(_("the scenario has no site “%(id)s”") % {"id": outage.site})
        if outage.minutes <= 0:
            raise _refuse(_("the outage must end after it starts"))
        _event(
            document,
            kind="link_down",
            site=outage.site,
            at=_hhmm(outage.start),
            minutes=outage.minutes,
            in_progress="requeue",
        )
    if changes.hours is not None:
        hours = changes.hours
        if hours.closes <= hours.opens:
            raise _refuse(_("the queue must close after it opens"))
        queue = _queue_table(document, hours.queue)
        queue["hours"] = [f"{hours.days} {_hhmm(hours.opens)}-{_hhmm(hours.closes)}"]
    return tomlkit.dumps(document)


def _move(document: Any, parts: ScenarioParts, move: ShareMove) -> None:
    if move.partner not in parts.partners:
        raise _refuse(_("the scenario has no partner “%(id)s”") % {"id": move.partner})
    if not 0 < move.percent <= 100:
        raise _refuse(_("the share moved goes from 0 to 100 %%"))
    source = _queue_table(document, move.queue)
    copy_id = f"{move.queue}-{move.partner}"
    if copy_id in parts.queues:
        raise _refuse(_("the scenario already has a queue “%(id)s”") % {"id": copy_id})
    copy = tomlkit.table()
    for key, value in source.unwrap().items():
        if key not in {"volumes", "rate_per_hour", "exhausted", "steps"}:
            copy[key] = value
    copy["id"] = copy_id
    steps = tomlkit.array()
    steps.append(tomlkit.inline_table())
    steps[0]["after_s"] = 0
    steps[0]["partners"] = [move.partner]
    copy["steps"] = steps
    copy["rate_per_hour"] = 0
    document["queues"].append(copy)
    _event(
        document,
        kind="channel_shift",
        from_queue=move.queue,
        to_queue=copy_id,
        fraction=round(move.percent / 100, 4),
    )
