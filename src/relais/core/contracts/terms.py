"""A partner contract's terms as plain data: what is priced, how, and the targets.

The terms of one contract version are stored as JSON and read back through `terms_from_dict`,
which refuses anything malformed with a message naming the field, so that a bad amendment
never reaches a statement. Money is `Decimal`, KPI goals are fractions in [0, 1] (CSAT and
SL) or scores (quality, 0-100).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from relais.core.kpi import AgentState

#: Break reasons that are downtime (the client's platform or link failed) and training.
DOWNTIME_REASON = "technical_incident"
TRAINING_REASON = "training"
DEFAULT_COUNTED_STATES = frozenset({AgentState.AVAILABLE, AgentState.BUSY, AgentState.WRAP_UP})


class TermsError(ValueError):
    """Malformed contract terms; the message names the field."""


class TierMode(StrEnum):
    GRADUATED = "graduated"  # each unit at the price of the band it falls in
    VOLUME = "volume"  # every unit at the price of the band the month's volume reaches


class Kpi(StrEnum):
    SERVICE_LEVEL = "service_level"
    ABANDONMENT = "abandonment"
    CSAT = "csat"
    QUALITY = "quality"


class Per(StrEnum):
    MONTH = "month"
    DAY = "day"
    INTERVAL = "interval"


@dataclass(frozen=True, slots=True)
class Tier:
    """Units up to `up_to` (inclusive, counted from the month's first; None: no end)."""

    up_to: int | None
    price: Decimal


@dataclass(frozen=True, slots=True)
class TieredPrice:
    tiers: tuple[Tier, ...]
    mode: TierMode = TierMode.GRADUATED


@dataclass(frozen=True, slots=True, kw_only=True)
class HourlyPricing:
    """Per productive hour, from the agent state log.

    - `counted_states`: the states whose time is productive;
    - `break_allowance_minutes`: break minutes paid per productive hour (breaks beyond it
      are not paid);
    - `request_tolerance`: productive hours of an interval are paid up to the hours
      requested for it x (1 + tolerance); intervals without a request are not capped;
    - `under_staffing_price`: penalty per hour delivered below the partner's commitment;
    - `downtime_share`: share of the rate paid for hours lost to a platform or link outage
      (break reason `technical_incident`): 1 the client pays, 0 the partner bears it;
    - `training_price`: price of a training hour (None: training is not billed).
    """

    price: Decimal
    counted_states: frozenset[AgentState] = DEFAULT_COUNTED_STATES
    break_allowance_minutes: Decimal = Decimal(0)
    request_tolerance: Decimal = Decimal(0)
    under_staffing_price: Decimal = Decimal(0)
    downtime_share: Decimal = Decimal(0)
    training_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Band:
    """A KPI value in [at_least, below) earns `amount` per measured unit (negative: penalty),
    or `percent` of the activity's priced amount."""

    at_least: float | None
    below: float | None
    amount: Decimal = Decimal(0)
    percent: Decimal = Decimal(0)

    def holds(self, value: float) -> bool:
        return (self.at_least is None or value >= self.at_least) and (
            self.below is None or value < self.below
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """A KPI measured per month, day or interval on the activity's queues, with bands.

    `threshold_seconds` is T of "X % in T s" for the service level. `bonus_cap` and
    `penalty_cap` bound the month's total of the target (absolute amounts). When
    `forecast_tolerance` is set, no service-level penalty applies to a unit whose offered
    contacts exceeded the forecast given to the partner by more than the tolerance.
    """

    kpi: Kpi
    per: Per
    bands: tuple[Band, ...]
    threshold_seconds: float = 20.0
    bonus_cap: Decimal | None = None
    penalty_cap: Decimal | None = None
    forecast_tolerance: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity:
    """A priced activity: the queues it covers and how it is paid."""

    code: str
    queues: tuple[str, ...]
    hourly: HourlyPricing | None = None
    per_handled: TieredPrice | None = None
    per_resolved: TieredPrice | None = None
    clawback_days: int = 7
    minimum_amount: Decimal = Decimal(0)
    targets: tuple[Target, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ContractTerms:
    currency: str
    activities: tuple[Activity, ...]
    interval_minutes: int = 30
    short_abandon_seconds: float = 5.0
    notes: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def activity_of_queue(self, queue: str) -> Activity | None:
        for activity in self.activities:
            if queue in activity.queues:
                return activity
        return None


def _money(raw: Any, where: str) -> Decimal:
    if isinstance(raw, float):
        raise TermsError(f"{where}: write money as a string or an integer, not a float")
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError) as error:
        raise TermsError(f"{where}: {raw!r} is not an amount") from error
    if not value.is_finite():
        raise TermsError(f"{where}: {raw!r} is not an amount")
    return value


def _optional_money(raw: Any, where: str) -> Decimal | None:
    return None if raw is None else _money(raw, where)


def _number(raw: Any, where: str) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise TermsError(f"{where}: {raw!r} is not a number")
    try:
        return float(raw)
    except ValueError as error:
        raise TermsError(f"{where}: {raw!r} is not a number") from error


def _tiers(raw: Any, where: str) -> TieredPrice | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or not isinstance(raw.get("tiers"), Sequence):
        raise TermsError(f"{where}: expected {{'tiers': [...], 'mode': ...}}")
    tiers = []
    previous = 0
    for index, tier in enumerate(raw["tiers"]):
        here = f"{where}.tiers[{index}]"
        up_to = tier.get("up_to")
        if up_to is not None and (not isinstance(up_to, int) or up_to <= previous):
            raise TermsError(f"{here}.up_to: bands must grow")
        if up_to is None and index != len(raw["tiers"]) - 1:
            raise TermsError(f"{here}.up_to: only the last band is open-ended")
        tiers.append(Tier(up_to, _money(tier.get("price"), f"{here}.price")))
        previous = up_to or previous
    if not tiers:
        raise TermsError(f"{where}.tiers: at least one band")
    try:
        mode = TierMode(raw.get("mode", TierMode.GRADUATED))
    except ValueError as error:
        raise TermsError(f"{where}.mode: graduated or volume") from error
    return TieredPrice(tuple(tiers), mode)


def _hourly(raw: Any, where: str) -> HourlyPricing | None:
    if raw is None:
        return None
    try:
        states = frozenset(
            AgentState(s) for s in raw.get("counted_states", sorted(DEFAULT_COUNTED_STATES))
        )
    except ValueError as error:
        raise TermsError(f"{where}.counted_states: {error}") from error
    share = _money(raw.get("downtime_share", 0), f"{where}.downtime_share")
    if not 0 <= share <= 1:
        raise TermsError(f"{where}.downtime_share: between 0 and 1")
    return HourlyPricing(
        price=_money(raw.get("price"), f"{where}.price"),
        counted_states=states,
        break_allowance_minutes=_money(
            raw.get("break_allowance_minutes", 0), f"{where}.break_allowance_minutes"
        ),
        request_tolerance=_money(raw.get("request_tolerance", 0), f"{where}.request_tolerance"),
        under_staffing_price=_money(
            raw.get("under_staffing_price", 0), f"{where}.under_staffing_price"
        ),
        downtime_share=share,
        training_price=_optional_money(raw.get("training_price"), f"{where}.training_price"),
    )


def _target(raw: Any, where: str) -> Target:
    try:
        kpi, per = Kpi(raw.get("kpi")), Per(raw.get("per", Per.MONTH))
    except ValueError as error:
        raise TermsError(f"{where}: {error}") from error
    bands = tuple(
        Band(
            _number(band.get("at_least"), f"{where}.bands[{i}].at_least"),
            _number(band.get("below"), f"{where}.bands[{i}].below"),
            _money(band.get("amount", 0), f"{where}.bands[{i}].amount"),
            _money(band.get("percent", 0), f"{where}.bands[{i}].percent"),
        )
        for i, band in enumerate(raw.get("bands", ()))
    )
    if not bands:
        raise TermsError(f"{where}.bands: at least one band")
    return Target(
        kpi=kpi,
        per=per,
        bands=bands,
        threshold_seconds=_number(raw.get("threshold_seconds", 20), f"{where}.threshold_seconds")
        or 0.0,
        bonus_cap=_optional_money(raw.get("bonus_cap"), f"{where}.bonus_cap"),
        penalty_cap=_optional_money(raw.get("penalty_cap"), f"{where}.penalty_cap"),
        forecast_tolerance=_optional_money(
            raw.get("forecast_tolerance"), f"{where}.forecast_tolerance"
        ),
    )


def _activity(raw: Any, where: str) -> Activity:
    if not isinstance(raw, Mapping):
        raise TermsError(f"{where}: expected an object")
    code, queues = raw.get("code"), raw.get("queues")
    if not isinstance(code, str) or not code:
        raise TermsError(f"{where}.code: a name is needed")
    if not isinstance(queues, Sequence) or isinstance(queues, str) or not queues:
        raise TermsError(f"{where}.queues: at least one queue code")
    clawback = raw.get("clawback_days", 7)
    if not isinstance(clawback, int) or clawback <= 0:
        raise TermsError(f"{where}.clawback_days: a positive number of days")
    return Activity(
        code=code,
        queues=tuple(str(q) for q in queues),
        hourly=_hourly(raw.get("hourly"), f"{where}.hourly"),
        per_handled=_tiers(raw.get("per_handled"), f"{where}.per_handled"),
        per_resolved=_tiers(raw.get("per_resolved"), f"{where}.per_resolved"),
        clawback_days=clawback,
        minimum_amount=_money(raw.get("minimum_amount", 0), f"{where}.minimum_amount"),
        targets=tuple(
            _target(t, f"{where}.targets[{i}]") for i, t in enumerate(raw.get("targets", ()))
        ),
    )


def terms_from_dict(raw: Mapping[str, Any]) -> ContractTerms:
    """The terms of a JSON object, or `TermsError` naming the first malformed field."""
    if not isinstance(raw, Mapping):
        raise TermsError("terms: expected an object")
    currency = raw.get("currency")
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isupper():
        raise TermsError("currency: a three-letter ISO code such as EUR")
    activities = tuple(
        _activity(a, f"activities[{i}]") for i, a in enumerate(raw.get("activities", ()))
    )
    if not activities:
        raise TermsError("activities: at least one activity")
    seen: set[str] = set()
    for activity in activities:
        if seen & set(activity.queues):
            raise TermsError(f"activities: queue in two activities ({activity.code})")
        seen |= set(activity.queues)
    minutes = raw.get("interval_minutes", 30)
    if not isinstance(minutes, int) or minutes <= 0 or 1440 % minutes:
        raise TermsError("interval_minutes: a divisor of a day")
    return ContractTerms(
        currency=currency,
        activities=activities,
        interval_minutes=minutes,
        notes=str(raw.get("notes", "")),
    )
