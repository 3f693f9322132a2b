"""Intervals: where a contact or a piece of a state span belongs in time.

Convention (the usual one in contact-centre reporting): a contact is counted in the interval
in which it *arrived* (was queued), whatever the interval of its answer, abandon or end; so
an interval's figures can still change until its last contact is finished. State spans, on
the contrary, are split at interval boundaries: each interval gets the seconds it contains,
so occupancy is exact per interval.

Intervals are `[start, start + length)` aligned on `origin` (the UTC epoch by default; pass
a site's local midnight to align on a time zone with a non-whole-hour offset).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from relais.core.kpi.records import StateSpan

DEFAULT_INTERVAL_SECONDS = 900.0


def interval_start(
    moment: float, length: float = DEFAULT_INTERVAL_SECONDS, origin: float = 0.0
) -> float:
    """Start of the interval of `length` seconds containing `moment`."""
    if length <= 0:
        raise ValueError("an interval length must be positive")
    return origin + math.floor((moment - origin) / length) * length


def split_seconds(
    start: float, end: float, length: float = DEFAULT_INTERVAL_SECONDS, origin: float = 0.0
) -> Iterator[tuple[float, float]]:
    """(interval start, seconds inside it) for the time from `start` to `end`.

    An empty stretch (start == end) yields nothing.
    """
    if end < start:
        raise ValueError("a stretch of time cannot end before it starts")
    if length <= 0:
        raise ValueError("an interval length must be positive")
    index = math.floor((start - origin) / length)
    cursor = start
    while cursor < end:
        bucket = origin + index * length
        piece_end = min(end, origin + (index + 1) * length)
        if piece_end > cursor:
            yield bucket, piece_end - cursor
            cursor = piece_end
        index += 1


def split_span(
    span: StateSpan,
    length: float = DEFAULT_INTERVAL_SECONDS,
    origin: float = 0.0,
    *,
    now: float | None = None,
) -> Iterator[tuple[float, float]]:
    """`split_seconds` of a span; an open span runs to `now` (nothing when `now` is None)."""
    end = span.end if span.end is not None else now
    if end is None:
        return iter(())
    return split_seconds(span.start, max(end, span.start), length, origin)
