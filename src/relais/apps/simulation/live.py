"""A scenario (TOML text) from the live configuration: sites, partners, queues, agents.

Sites and partners get readable ids (slugs of their names); each queue keeps its code and
its rules (skills, language, strategy, service level, hours, overflow steps, what happens
when the steps are exhausted) and receives a constant rate of contacts; agents are grouped
per site and identical profile (skills, languages, capacities) and logged in all the time.
Handling times and patience are typical values per channel, to be edited with the text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.text import slugify

from relais.apps.organisation.models import Agent, OpeningHours, Partner, Site, SkillKind
from relais.apps.routing.config import agents_for_engine, queues_for_engine
from relais.apps.routing.models import ExhaustedAction, Queue, parse_hours
from relais.apps.routing.models import OverflowStep as StepRow

__all__ = ["LiveOptions", "live_scenario_toml"]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
# mean handling and patience (seconds) and chat slowdown per channel: typical values
_HANDLING = {"voice": 300, "callback": 300, "outbound": 240, "chat": 540, "email": 900}
_PATIENCE = {"voice": 180, "callback": 600, "chat": 300}
_SLOWDOWN = {"chat": 0.25}


@dataclass(frozen=True, slots=True)
class LiveOptions:
    name: str
    start: dt.datetime  # aware
    hours: float
    calls_per_hour: float  # for every queue
    replications: int
    time_zone: str
    seed: int = 1


def _text(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def _key(name: str) -> str:
    return name if _BARE_KEY.match(name) else _text(name)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    return "[" + ", ".join(_value(item) for item in value) + "]"


class _Ids:
    """Unique readable ids for sites and partners (slugs of their names)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.by_key: dict[tuple[str, int], str] = {}

    def of(self, kind: str, pk: int, name: str) -> str:
        key = (kind, pk)
        if key not in self.by_key:
            base = slugify(name) or f"{kind}-{pk}"
            candidate, n = base, 1
            while candidate in self.taken:
                n += 1
                candidate = f"{base}-{n}"
            self.taken.add(candidate)
            self.by_key[key] = candidate
        return self.by_key[key]


def _period(row: OpeningHours) -> str:
    end = "24:00" if (row.closes_at.hour, row.closes_at.minute) == (23, 59) else None
    return f"{_DAYS[row.weekday]} {row.opens_at:%H:%M}-{end or f'{row.closes_at:%H:%M}'}"


def _step(step: StepRow, ids: _Ids) -> tuple[dict[str, Any], str | None]:
    sites = list(step.sites.all())
    entry: dict[str, Any] = {"after_s": step.after_seconds}
    if step.internal:
        entry["internal"] = True
    if sites:
        entry["sites"] = [ids.of("site", site.pk, site.name) for site in sites]
    partners = list(step.partners.all())
    if partners:
        entry["partners"] = [ids.of("partner", p.pk, p.name) for p in partners]
    if step.site_kinds:
        entry["site_kinds"] = list(step.site_kinds)
    if step.relaxed_levels is not None:
        entry["skill_levels"] = dict(step.relaxed_levels)
    note = None
    hours = parse_hours(step.hours_time_zone, step.hours)
    zone = step.hours_time_zone
    if step.within_site_hours and sites:
        if hours:
            note = f"step {step.order}: its own hours kept, its sites' opening hours left out"
        else:
            zone = sites[0].time_zone
            hours = [_period(row) for site in sites for row in site.opening_hours.all()]
            if len({site.time_zone for site in sites}) > 1:
                note = f"step {step.order}: opening hours of its sites read in {zone}"
    if hours:
        entry["hours"] = hours
        entry["time_zone"] = zone
    if not step.skip_if_empty:
        entry["skip_if_empty"] = False
    return entry, note


def _queue_lines(queue: Queue, ids: _Ids, codes: set[str], rate: float) -> list[str]:
    channel = queue.channel
    lines = ["", "[[queues]]", f"# {queue.name_en} / {queue.name_fr}", f"id = {_text(queue.code)}"]
    fields: dict[str, Any] = {
        "channel": channel,
        "skills": {level.skill.code: level.min_level for level in queue.skill_levels.all()},
    }
    if queue.language:
        fields["language"] = queue.language
    fields |= {
        "priority": queue.priority,
        "strategy": queue.strategy,
        "offer_timeout_s": queue.offer_timeout_seconds,
        "wrap_up_s": queue.wrap_up_seconds,
        **({"chats_during_calls": True} if queue.chats_during_calls else {}),
        "service_level": {
            "fraction": queue.service_level_percent / 100,
            "within_s": queue.service_level_seconds,
        },
    }
    hours = parse_hours(queue.time_zone, queue.opening_hours)
    if hours:
        fields |= {"hours": hours, "time_zone": queue.time_zone}
    fields["handling"] = {"law": "exponential", "mean": _HANDLING.get(channel, 300)}
    if channel in _PATIENCE:
        fields["patience"] = {"law": "exponential", "mean": _PATIENCE[channel]}
    if channel in _SLOWDOWN:
        fields["concurrency_slowdown"] = _SLOWDOWN[channel]
    fields["rate_per_hour"] = float(rate)
    lines += [f"{name} = {_value(value)}" for name, value in fields.items()]
    steps = [_step(step, ids) for step in queue.overflow_steps.all()]
    lines += [f"# {note}" for _, note in steps if note]
    if steps:
        lines += ["steps = [", *(f"  {_value(entry)}," for entry, _ in steps), "]"]
    exhausted = _exhausted(queue, codes)
    if exhausted is not None:
        lines.append(f"exhausted = {_value(exhausted)}")
    return lines


def _exhausted(queue: Queue, codes: set[str]) -> dict[str, Any] | None:
    action = queue.exhausted_action
    if action == ExhaustedAction.KEEP_WAITING:
        return None
    entry: dict[str, Any] = {"action": action, "after_s": queue.exhausted_after_seconds}
    if action == ExhaustedAction.MOVE_TO_QUEUE:
        target = queue.exhausted_queue
        if target is None or target.code not in codes:  # inactive: not simulated
            return None
        entry["queue"] = target.code
    return entry


def _agent_groups(agents: Iterable[Agent], ids: _Ids) -> list[str]:
    groups: Counter[tuple[Any, ...]] = Counter()
    for agent in agents:
        levels = sorted((lv.skill.code, lv.level) for lv in agent.skill_levels.all())
        languages = sorted(
            lv.skill.code for lv in agent.skill_levels.all() if lv.skill.kind == SkillKind.LANGUAGE
        )
        voice = agent.capacity_voice
        capacity = (
            ("voice", voice),
            ("chat", agent.capacity_chat),
            ("email", agent.capacity_email),
            ("callback", voice),
            ("outbound", voice),
        )
        site_id = ids.of("site", agent.site_id, agent.site.name)
        groups[(site_id, tuple(levels), tuple(languages), capacity)] += 1
    lines: list[str] = []
    numbers: Counter[str] = Counter()
    for (site_id, levels, languages, capacity), count in sorted(groups.items()):
        numbers[site_id] += 1
        lines += [
            "",
            "[[agents]]",
            f"group = {_text(f'{site_id}-{numbers[site_id]}')}",
            f"site = {_text(site_id)}",
            f"count = {count}",
            f"skills = {_value(dict(levels))}",
            f"languages = {_value(list(languages))}",
            f"capacity = {_value({name: n for name, n in capacity if n > 0})}",
        ]
    return lines


def live_scenario_toml(options: LiveOptions) -> str:
    """The TOML text of the live configuration (ScenarioError-free when the rows are valid)."""
    ids = _Ids()
    sites = list(Site.objects.filter(active=True).select_related("partner").order_by("name"))
    queues = list(queues_for_engine().order_by("code"))
    codes = {queue.code for queue in queues}
    start = options.start.isoformat(timespec="seconds")
    lines = [
        "# Built from the live configuration of Relais; rates, handling times and patience are",
        "# assumptions to adjust. Format: docs/simulation.md. Agent groups without a `price` are",
        "# priced when run: a partner's contract version valid on the start date, an internal",
        "# site's loaded cost per hour (docs/sourcing.md, \"The simulator's prices\").",
        "",
        "[scenario]",
        f"name = {_text(options.name)}",
        f"start = {start}",
        f"hours = {options.hours!r}",
        "interval_minutes = 30",
        f"time_zone = {_text(options.time_zone)}",
        f"seed = {options.seed}",
        f"replications = {options.replications}",
        "drain_hours = 1",
        "",
        "[kpi]",
        "service_level_seconds = 20",
        "short_abandon_seconds = 5",
    ]
    partners: dict[int, Partner] = {}
    for site in sites:
        lines += ["", "[[sites]]", f"id = {_text(ids.of('site', site.pk, site.name))}"]
        lines += [f"kind = {_text(site.kind)}"]
        if site.partner is not None:
            partners[site.partner.pk] = site.partner
            lines.append(
                f"partner = {_text(ids.of('partner', site.partner.pk, site.partner.name))}"
            )
        lines.append(f"time_zone = {_text(site.time_zone)}")
    for partner in sorted(partners.values(), key=lambda p: p.name):
        lines += ["", "[[partners]]", f"id = {_text(ids.of('partner', partner.pk, partner.name))}"]
        lines += ["# hourly_rate = 20.0", "# per_contact_rate = 2.5", 'currency = "EUR"']
    for queue in queues:
        lines += _queue_lines(queue, ids, codes, options.calls_per_hour)
    active_sites = {site.pk for site in sites}
    agents = agents_for_engine().select_related("site").filter(site_id__in=active_sites)
    lines += _agent_groups(agents, ids)
    return "\n".join(lines) + "\n"
