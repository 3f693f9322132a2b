"""A month of one partner, priced by its contract terms: the statement lines.

Pure and deterministic: the same terms and inputs give the same lines, in the same order,
down to their basis. The KPIs (service level, abandonment, CSAT, first-contact resolution)
are those of `relais.core.kpi`, so a statement agrees with every report of the same contacts.

Inputs are those of the month `[start, end)` (epoch seconds); contacts are attributed to an
activity by their queue, agents' hours by `agent_activity`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import compress

import numpy as np

from relais.core.contracts.contacts import (
    ContactColumns,
    CustomerContacts,
    Flags,
    Floats,
    Indices,
    as_contact_columns,
    as_customer_columns,
    by_arrival,
    coded,
)
from relais.core.contracts.lines import (
    HOUR_STEP,
    BasisItem,
    ContactBasis,
    Line,
    Unit,
    hours,
    lines_total,
    money,
    priced_line,
)
from relais.core.contracts.terms import (
    DOWNTIME_REASON,
    TRAINING_REASON,
    Activity,
    ContractTerms,
    HourlyPricing,
    Kpi,
    Per,
    Target,
    TieredPrice,
    TierMode,
)
from relais.core.kpi import (
    AgentState,
    ContactRecord,
    StateSpan,
    csat_top_two_box,
    interval_start,
    split_seconds,
)
from relais.core.kpi.columns import ContactColumns as KpiColumns
from relais.core.kpi.columns import first_contact_outcomes, summaries_by_group
from relais.core.kpi.quality import CSAT_SATISFIED

DAY = 86_400.0
ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class QualityScore:
    queue: str
    at: float
    score: float  # 0-100


@dataclass(frozen=True, slots=True)
class StateSeconds:
    """Seconds an agent spent in one state within one interval of the terms (already cut
    at the month's bounds and the interval's): spans summed where they were read."""

    agent_id: str
    state: AgentState
    reason: str | None
    interval_start: float
    seconds: float


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthInputs:
    """What the statement of a month reads.

    - `contacts`: contacts of the covered queues arrived in the month, answered by the
      partner's agents or never answered (abandoned); records, or the same as columns;
    - `customer_contacts`: (contact id, identified customer, arrival) of every contact, of any
      queue, arrived from the month's start to `as_of`: who each contact's customer is, and
      the repeats that claw back (a contact not listed falls back on its `customer_ref`);
      tuples, or the same as columns;
    - `spans`: agents' state spans, cut here at the month's bounds and the intervals;
      `state_seconds`: the same time already summed per agent, state and interval (the
      two add up: a reader gives one or the other);
    - `days`: the starts of the month's days (local midnights), for targets per day;
    - `requested` / `committed` / `forecast`: per (activity code, interval start).
    """

    start: float
    end: float
    as_of: float
    contacts: Sequence[ContactRecord] | ContactColumns = ()
    customer_contacts: Sequence[tuple[str, str, float]] | CustomerContacts = ()
    spans: Sequence[StateSpan] = ()
    state_seconds: Sequence[StateSeconds] = ()
    agent_activity: Mapping[str, str] = field(default_factory=dict)
    requested: Mapping[tuple[str, float], int] = field(default_factory=dict)
    committed: Mapping[tuple[str, float], int] = field(default_factory=dict)
    forecast: Mapping[tuple[str, float], float] = field(default_factory=dict)
    quality: Sequence[QualityScore] = ()
    days: Sequence[float] = ()


def statement_lines(terms: ContractTerms, month: MonthInputs) -> list[Line]:
    """Every line of the month, activity by activity in the contract's order.

    The contact lines of every activity are computed before any agent's hours are read: a
    reader may still be summing those (`MonthInputs.state_seconds` read on demand)."""
    lines: list[Line] = []
    interval = terms.interval_minutes * 60.0
    contacts = as_contact_columns(month.contacts)
    per_contact = [_contact_lines(activity, contacts, month) for activity in terms.activities]
    for activity, contact_lines in zip(terms.activities, per_contact, strict=True):
        priced: list[Line] = []
        if activity.hourly is not None:
            priced += _hourly_lines(activity.code, activity.hourly, month, interval)
        priced += contact_lines
        base = lines_total(priced)
        if base < activity.minimum_amount:
            priced.append(
                _fixed(
                    activity.code,
                    Unit.MINIMUM_COMMITMENT,
                    "minimum",
                    activity.minimum_amount - base,
                )
            )
        lines += priced
        for index, target in enumerate(activity.targets):
            lines += _target_lines(activity, index, target, contacts, month, base, interval, terms)
    return [line for line in lines if line.basis]


def _contact_lines(activity: Activity, contacts: ContactColumns, month: MonthInputs) -> list[Line]:
    """The activity's lines per handled and per resolved contact."""

    def basis(rows: Indices) -> ContactBasis:
        return ContactBasis(contacts.contact_id[rows], contacts.agent_id[rows])

    lines: list[Line] = []
    handled = _handled(activity, contacts, month)
    if activity.per_handled is not None:
        lines += _tier_lines(
            activity.code, Unit.HANDLED_CONTACT, activity.per_handled, basis(handled)
        )
    if activity.per_resolved is not None:
        resolved = _resolved(activity, handled, contacts, month)
        lines += _tier_lines(
            activity.code, Unit.RESOLVED_CONTACT, activity.per_resolved, basis(resolved)
        )
    return lines


def _fixed(activity: str, unit: Unit, label: str, amount: Decimal) -> Line:
    return Line(
        activity=activity,
        unit=unit,
        label=label,
        quantity=ONE,
        unit_price=money(amount),
        amount=money(amount),
        basis=(BasisItem(ONE),),
    )


# hours -------------------------------------------------------------------------------------


def _category(state: AgentState, reason: str | None, pricing: HourlyPricing) -> str | None:
    if state in pricing.counted_states:
        return "productive"
    if state == AgentState.BREAK:
        if reason == DOWNTIME_REASON:
            return "downtime"
        if reason == TRAINING_REASON:
            return "training"
        return "break"
    return None


def _per_agent(seconds: Mapping[str, float]) -> list[BasisItem]:
    return [
        BasisItem(hours(value), agent_id=agent)
        for agent, value in sorted(seconds.items(), key=lambda entry: (len(entry[0]), entry[0]))
        if hours(value) != 0
    ]


def _hourly_lines(
    code: str, pricing: HourlyPricing, month: MonthInputs, interval: float
) -> list[Line]:
    by_agent: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    productive_by_interval: dict[float, float] = defaultdict(float)
    for span in month.spans:
        if month.agent_activity.get(span.agent_id) != code:
            continue
        category = _category(span.state, span.reason, pricing)
        begin, finish = max(span.start, month.start), min(span.end or month.end, month.end)
        if category is None or finish <= begin:
            continue
        by_agent[category][span.agent_id] += finish - begin
        if category == "productive":
            for start, seconds in split_seconds(begin, finish, interval):
                productive_by_interval[start] += seconds
    for piece in month.state_seconds:
        if month.agent_activity.get(piece.agent_id) != code:
            continue
        category = _category(piece.state, piece.reason, pricing)
        if category is None:
            continue
        by_agent[category][piece.agent_id] += piece.seconds
        if category == "productive":
            productive_by_interval[piece.interval_start] += piece.seconds
    price = pricing.price
    lines = [
        priced_line(
            activity=code,
            unit=Unit.PRODUCTIVE_HOUR,
            label="",
            unit_price=price,
            basis=_per_agent(by_agent["productive"]),
        )
    ]
    above = []
    for start, agents in sorted(_of_activity(month.requested, code).items()):
        allowed = hours(agents * interval) * (ONE + pricing.request_tolerance)
        excess = hours(productive_by_interval.get(start, 0.0)) - allowed.quantize(HOUR_STEP)
        if excess > 0:
            above.append(BasisItem(-excess, interval_start=start))
    lines.append(
        priced_line(activity=code, unit=Unit.ABOVE_REQUEST, label="", unit_price=price, basis=above)
    )
    if pricing.under_staffing_price:
        short = []
        for start, agents in sorted(_of_activity(month.committed, code).items()):
            missing = hours(agents * interval) - hours(productive_by_interval.get(start, 0.0))
            if missing > 0:
                short.append(BasisItem(missing, interval_start=start))
        lines.append(
            priced_line(
                activity=code,
                unit=Unit.UNDER_STAFFING,
                label="",
                unit_price=-pricing.under_staffing_price,
                basis=short,
            )
        )
    breaks = _per_agent(by_agent["break"])
    lines.append(
        priced_line(activity=code, unit=Unit.BREAK_HOUR, label="", unit_price=price, basis=breaks)
    )
    paid_hours = lines[0].quantity + lines[1].quantity
    allowed_breaks = (paid_hours * pricing.break_allowance_minutes / 60).quantize(HOUR_STEP)
    beyond = sum((item.quantity for item in breaks), Decimal(0)) - allowed_breaks
    if beyond > 0:
        lines.append(
            priced_line(
                activity=code,
                unit=Unit.BREAK_BEYOND_ALLOWANCE,
                label="",
                unit_price=price,
                basis=[BasisItem(-beyond)],
            )
        )
    lines.append(
        priced_line(
            activity=code,
            unit=Unit.DOWNTIME_HOUR,
            label="",
            unit_price=money(price * pricing.downtime_share),
            basis=_per_agent(by_agent["downtime"]),
        )
    )
    if pricing.training_price is not None:
        lines.append(
            priced_line(
                activity=code,
                unit=Unit.TRAINING_HOUR,
                label="",
                unit_price=pricing.training_price,
                basis=_per_agent(by_agent["training"]),
            )
        )
    return lines


def _of_activity[V](values: Mapping[tuple[str, float], V], code: str) -> dict[float, V]:
    return {start: value for (activity, start), value in values.items() if activity == code}


# contacts ----------------------------------------------------------------------------------


def _in_month(contacts: ContactColumns, activity: Activity, month: MonthInputs) -> Flags:
    arrived = contacts.arrived_at
    return contacts.of_queues(activity.queues) & (month.start <= arrived) & (arrived < month.end)


def _handled(activity: Activity, contacts: ContactColumns, month: MonthInputs) -> Indices:
    """Rows of the activity's contacts handled by an agent, by arrival then contact id."""
    chosen = _in_month(contacts, activity, month) & contacts.ended
    return by_arrival(contacts, chosen & contacts.answered_by_agent())


def _resolved(
    activity: Activity, handled: Indices, contacts: ContactColumns, month: MonthInputs
) -> Indices:
    """Handled contacts whose clawback window closed by `as_of` with no repeat in it."""
    others = as_customer_columns(month.customer_contacts)
    known = dict(zip(others.contact_id.tolist(), others.customer.tolist(), strict=True))
    ids = contacts.contact_id[handled].tolist()
    listed = list(map(known.get, ids))
    refs = contacts.customer_ref[handled].tolist()
    customers = [customer or ref for customer, ref in zip(listed, refs, strict=True)]
    judged = np.fromiter(map(bool, customers), dtype=np.bool_, count=len(customers))
    ours = set(compress(ids, customers))
    theirs = map(ours.__contains__, others.contact_id.tolist())
    repeats = (others.arrived_at <= month.as_of) & ~np.fromiter(
        theirs, dtype=np.bool_, count=len(others.arrived_at)
    )
    keys = [*compress(customers, customers), *others.customer[repeats].tolist()]
    arrived = np.concatenate([contacts.arrived_at[handled][judged], others.arrived_at[repeats]])
    outcomes = first_contact_outcomes(
        coded(keys), arrived, window_seconds=activity.clawback_days * DAY, as_of=month.as_of
    )
    paid: Indices = handled[judged][outcomes[: int(judged.sum())] == 1]
    return paid


def _tier_lines(code: str, unit: Unit, tiered: TieredPrice, items: ContactBasis) -> list[Line]:
    if tiered.mode == TierMode.VOLUME:
        count = len(items)
        tier = next(t for t in tiered.tiers if t.up_to is None or count <= t.up_to)
        index = tiered.tiers.index(tier)
        label = _tier_label(tiered, index)
        return [
            priced_line(activity=code, unit=unit, label=label, unit_price=tier.price, basis=items)
        ]
    lines, lower = [], 0
    for index, tier in enumerate(tiered.tiers):
        upper = len(items) if tier.up_to is None else min(tier.up_to, len(items))
        chunk = items[lower:upper]
        lines.append(
            priced_line(
                activity=code,
                unit=unit,
                label=_tier_label(tiered, index),
                unit_price=tier.price,
                basis=chunk,
            )
        )
        lower = max(lower, upper)
    return lines


def _tier_label(tiered: TieredPrice, index: int) -> str:
    first = 1 if index == 0 else (tiered.tiers[index - 1].up_to or 0) + 1
    last = tiered.tiers[index].up_to
    return f"{first}-{last}" if last is not None else f"{first}+"


# targets -----------------------------------------------------------------------------------


def _units_of(moments: Floats, per: Per, month: MonthInputs, interval: float) -> list[float]:
    """The measured unit (month, interval or local day) each moment falls in."""
    if per == Per.MONTH:
        return [month.start] * len(moments)
    if per == Per.INTERVAL:
        return [interval_start(moment, interval) for moment in moments.tolist()]
    days = np.asarray(month.days or [month.start], dtype=np.float64)
    found = np.maximum(0, np.searchsorted(days, moments, side="right") - 1)
    return [float(day) for day in days[found].tolist()]


def _unit_of(moment: float, per: Per, month: MonthInputs, interval: float) -> float:
    return _units_of(np.array([moment]), per, month, interval)[0]


def _contact_kpis(
    target: Target, contacts: ContactColumns, rows: Indices, unit: Indices, units: int, short: float
) -> list[float | None]:
    """The target's KPI over each unit's contacts (`unit[i]`: the unit of row `rows[i]`)."""
    if target.kpi == Kpi.CSAT:
        csat = contacts.csat[rows]
        scored = ~np.isnan(csat)
        responses = np.bincount(unit[scored], minlength=units)
        satisfied = np.bincount(
            unit[scored & np.isin(csat, sorted(CSAT_SATISFIED))], minlength=units
        )
        return [
            csat_top_two_box(int(yes), int(count))
            for yes, count in zip(satisfied.tolist(), responses.tolist(), strict=True)
        ]
    nothing = np.full(len(rows), np.nan)
    columns = KpiColumns(
        arrived_at=contacts.arrived_at[rows],
        answered_at=contacts.answered_at[rows],
        abandoned_at=contacts.abandoned_at[rows],
        ended_at=nothing,
        talk_seconds=np.zeros(len(rows)),
        wrap_up_seconds=np.zeros(len(rows)),
        threshold=np.full(len(rows), float(target.threshold_seconds)),
    )
    summaries = summaries_by_group(unit, units, columns, short_abandon_seconds=short, now=None)
    if target.kpi == Kpi.ABANDONMENT:
        return [summary.abandonment_rate for summary in summaries]
    return [summary.service_level for summary in summaries]


def _target_lines(
    activity: Activity,
    index: int,
    target: Target,
    contacts: ContactColumns,
    month: MonthInputs,
    base: Decimal,
    interval: float,
    terms: ContractTerms,
) -> list[Line]:
    rows = np.flatnonzero(_in_month(contacts, activity, month))
    found, unit = np.unique(
        np.array(_units_of(contacts.arrived_at[rows], target.per, month, interval)),
        return_inverse=True,
    )
    measured = found.tolist()
    offered = dict(zip(measured, np.bincount(unit, minlength=len(found)).tolist(), strict=True))
    values: dict[float, float | None] = {}
    if target.kpi != Kpi.QUALITY:
        kpis = _contact_kpis(target, contacts, rows, unit, len(found), terms.short_abandon_seconds)
        values = dict(zip(measured, kpis, strict=True))
    scores: dict[float, list[float]] = defaultdict(list)
    for score in month.quality:
        if score.queue in activity.queues and month.start <= score.at < month.end:
            scores[_unit_of(score.at, target.per, month, interval)].append(score.score)
    forecast: dict[float, float] = defaultdict(float)
    for start, volume in _of_activity(month.forecast, activity.code).items():
        if month.start <= start < month.end:
            forecast[_unit_of(start, target.per, month, interval)] += volume
    label = f"{target.kpi}/{target.per}#{index + 1}"
    in_band: dict[int, list[BasisItem]] = defaultdict(list)
    excused: list[BasisItem] = []
    for moment in sorted(offered.keys() | scores.keys()):
        value = (
            _quality(scores.get(moment, ())) if target.kpi == Kpi.QUALITY else values.get(moment)
        )
        if value is None:
            continue
        band = next((i for i, b in enumerate(target.bands) if b.holds(value)), None)
        if band is None:
            continue
        amount = _band_amount(target, band, base)
        if amount < 0 and _excused(target, moment, offered.get(moment, 0), forecast):
            excused.append(BasisItem(ONE, interval_start=moment))
            continue
        in_band[band].append(BasisItem(ONE, interval_start=moment))
    lines = [
        priced_line(
            activity=activity.code,
            unit=Unit.TARGET_BAND,
            label=f"{label} {_band_label(target, band)}",
            unit_price=_band_amount(target, band, base),
            basis=items,
        )
        for band, items in sorted(in_band.items())
    ]
    if excused:
        lines.append(
            priced_line(
                activity=activity.code,
                unit=Unit.FORECAST_EXCUSED,
                label=label,
                unit_price=Decimal(0),
                basis=excused,
            )
        )
    total = lines_total(lines)
    if target.bonus_cap is not None and total > target.bonus_cap:
        lines.append(_fixed(activity.code, Unit.TARGET_CAP, label, target.bonus_cap - total))
    if target.penalty_cap is not None and total < -target.penalty_cap:
        lines.append(_fixed(activity.code, Unit.TARGET_CAP, label, -target.penalty_cap - total))
    return lines


def _quality(scores: Sequence[float]) -> float | None:
    return sum(scores) / len(scores) if scores else None


def _band_amount(target: Target, band: int, base: Decimal) -> Decimal:
    chosen = target.bands[band]
    return money(chosen.amount + chosen.percent * base / 100)


def _band_label(target: Target, band: int) -> str:
    chosen = target.bands[band]
    low = "" if chosen.at_least is None else f"{chosen.at_least:g}"
    high = "" if chosen.below is None else f"{chosen.below:g}"
    return f"[{low}, {high})"


def _excused(target: Target, unit: float, offered: int, forecast: Mapping[float, float]) -> bool:
    """Over the forecast by more than the tolerance: no service-level penalty."""
    if target.kpi != Kpi.SERVICE_LEVEL or target.forecast_tolerance is None:
        return False
    expected = forecast.get(unit)
    if expected is None:
        return False
    return Decimal(offered) > Decimal(str(expected)) * (ONE + target.forecast_tolerance)


def version_for[V](versions: Iterable[tuple[float, V]], moment: float) -> V | None:
    """The version valid at `moment`: the latest whose start is not after it."""
    chosen: tuple[float, V] | None = None
    for start, version in versions:
        if start <= moment and (chosen is None or start >= chosen[0]):
            chosen = (start, version)
    return None if chosen is None else chosen[1]
