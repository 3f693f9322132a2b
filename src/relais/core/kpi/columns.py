"""Contacts as columns: the KPI counters of many groups at once, with numpy.

For a million simulated contacts, building one `ContactRecord` each and adding it to a
`KpiAccumulator` is the slow way (docs/simulation.md gives the figures).
`summaries_by_group` takes the same contacts as arrays and returns, for every group, exactly
the `KpiSummary` that adding their records to one accumulator per group, in array order,
then reading `summary(now)` gives: counts by `bincount`, sums by weighted `bincount` (which
adds in array order, as the accumulator does, so the floats are the same to the last bit),
maxima by `maximum.at`.

Scope: contacts without hold time, transfer or survey scores (what the simulator records).
Times are floats (seconds since the epoch) with NaN where a thing did not happen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from relais.core.kpi.summary import KpiSummary

__all__ = ["ContactColumns", "summaries_by_group"]

type Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ContactColumns:
    """One row per contact, as `ContactRecord` fields (NaN for None).

    `threshold` is the service-level threshold of each contact's queue
    (`KpiConfig.service_level_threshold`).
    """

    arrived_at: Floats
    answered_at: Floats
    abandoned_at: Floats
    ended_at: Floats
    talk_seconds: Floats
    wrap_up_seconds: Floats
    threshold: Floats


def summaries_by_group(
    groups: npt.NDArray[np.intp],
    count: int,
    contacts: ContactColumns,
    *,
    short_abandon_seconds: float,
    now: float | None,
) -> list[KpiSummary]:
    """The summary of each group 0..count-1 (`groups[i]` is contact i's group)."""
    arrived = contacts.arrived_at
    answered = ~np.isnan(contacts.answered_at)
    abandoned = ~answered & ~np.isnan(contacts.abandoned_at)
    waiting = ~answered & ~abandoned
    answer_wait = contacts.answered_at - arrived
    abandon_wait = contacts.abandoned_at - arrived
    short = abandoned & (abandon_wait < short_abandon_seconds)
    long_abandoned = abandoned & ~short
    handled = answered & ~np.isnan(contacts.ended_at)
    with np.errstate(invalid="ignore"):
        within = answered & (answer_wait <= contacts.threshold)
        after = long_abandoned & (abandon_wait > contacts.threshold)

    def number(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
        return np.bincount(groups[mask], minlength=count)

    def total(mask: npt.NDArray[np.bool_], values: Floats) -> Floats:
        return np.bincount(groups[mask], weights=values[mask], minlength=count)

    def maximum(mask: npt.NDArray[np.bool_], values: Floats) -> Floats:
        found = np.full(count, -np.inf)
        np.maximum.at(found, groups[mask], values[mask])
        return found

    offered = number(answered | long_abandoned | waiting)
    answered_n, within_n = number(answered), number(within)
    abandoned_n, after_n, short_n = number(long_abandoned), number(after), number(short)
    waiting_n, handled_n = number(waiting), number(handled)
    answered_wait = total(answered, answer_wait)
    abandoned_wait = total(long_abandoned, abandon_wait)
    talk, wrap_up = total(handled, contacts.talk_seconds), total(handled, contacts.wrap_up_seconds)
    wait_squares = total(answered, answer_wait * answer_wait)
    handling = contacts.talk_seconds + contacts.wrap_up_seconds  # no hold in the simulator
    handling_squares = total(handled, handling * handling)
    longest = np.maximum(maximum(answered, answer_wait), maximum(long_abandoned, abandon_wait))
    oldest = np.full(count, -np.inf)
    if now is not None:
        oldest = maximum(waiting, np.maximum(0.0, now - arrived))
    summaries = []
    for group in range(count):
        old = float(oldest[group]) if oldest[group] > -np.inf else None
        long = float(longest[group]) if longest[group] > -np.inf else None
        if old is not None and (long is None or old > long):
            long = old
        summaries.append(
            KpiSummary(
                offered=int(offered[group]),
                answered=int(answered_n[group]),
                answered_within_target=int(within_n[group]),
                abandoned=int(abandoned_n[group]),
                abandoned_after_target=int(after_n[group]),
                short_abandoned=int(short_n[group]),
                waiting=int(waiting_n[group]),
                handled=int(handled_n[group]),
                answered_wait_seconds=float(answered_wait[group]),
                abandoned_wait_seconds=float(abandoned_wait[group]),
                talk_seconds=float(talk[group]),
                wrap_up_seconds=float(wrap_up[group]),
                answered_wait_squares=float(wait_squares[group]),
                handling_squares=float(handling_squares[group]),
                longest_wait_seconds=long,
                oldest_waiting_seconds=old,
            )
        )
    return summaries
