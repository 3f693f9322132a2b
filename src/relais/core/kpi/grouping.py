"""KPIs per group (queue, site, site kind, partner, team, agent, channel) and per interval.

`GroupedKpis` is the live form (O(1) per event, read at any time); `summarize_groups` and
`summarize` are the batch forms over iterables. A bucket is identified by a `BucketKey`:
the interval start (None when not split by interval) and the tuple of group values, in the
order of `group_by` (None where a contact has no value, e.g. the agent of an abandon).

Contacts go to the interval they arrived in; spans are split at interval boundaries (see
`relais.core.kpi.intervals`). Spans carry no queue or channel: grouping by either leaves
occupancy and shrinkage empty. A contact that changes group while open (a waiting contact
answered by an agent) moves to its new bucket. FCR outcomes go to the bucket of the contact
judged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from enum import StrEnum
from typing import NamedTuple

from relais.core.kpi.accumulator import KpiAccumulator
from relais.core.kpi.definitions import KpiConfig
from relais.core.kpi.intervals import interval_start, split_span
from relais.core.kpi.quality import FcrTracker, is_short_abandon
from relais.core.kpi.records import (
    HANDLING_STATES,
    UNAVAILABLE_STATES,
    AgentState,
    ContactRecord,
    StateSpan,
)
from relais.core.kpi.summary import EMPTY_SUMMARY, KpiSummary


class Dimension(StrEnum):
    """What KPIs can be grouped by."""

    QUEUE = "queue"
    CHANNEL = "channel"
    SITE = "site"
    SITE_KIND = "site_kind"
    PARTNER = "partner"
    TEAM = "team"
    AGENT = "agent"


_CONTACT_ATTRIBUTE = {dimension: dimension.value for dimension in Dimension} | {
    Dimension.AGENT: "agent_id"
}
_SPAN_DIMENSIONS = frozenset(
    {Dimension.AGENT, Dimension.SITE, Dimension.SITE_KIND, Dimension.PARTNER, Dimension.TEAM}
)


class BucketKey(NamedTuple):
    """One interval (None: the whole period) of one group (values in `group_by` order)."""

    interval_start: float | None
    group: tuple[str | None, ...]


class GroupedKpis:
    """Accumulators per bucket; `summaries(now)` reads them all."""

    __slots__ = (
        "_attributes",
        "_buckets",
        "_config",
        "_fcr",
        "_interval",
        "_open_keys",
        "_open_spans",
        "_origin",
        "_spans_apply",
    )

    def __init__(
        self,
        *,
        group_by: Dimension | Sequence[Dimension] = (),
        interval_seconds: float | None = None,
        origin: float = 0.0,
        config: KpiConfig | None = None,
        track_fcr: bool = False,
    ) -> None:
        dimensions = (group_by,) if isinstance(group_by, Dimension) else tuple(group_by)
        if interval_seconds is not None and interval_seconds <= 0:
            raise ValueError("an interval length must be positive")
        self._config = config if config is not None else KpiConfig()
        self._attributes = tuple(_CONTACT_ATTRIBUTE[dimension] for dimension in dimensions)
        self._spans_apply = all(dimension in _SPAN_DIMENSIONS for dimension in dimensions)
        self._interval = interval_seconds
        self._origin = origin
        self._buckets: dict[BucketKey, KpiAccumulator] = {}
        self._open_keys: dict[str, BucketKey] = {}
        self._open_spans: dict[str, StateSpan] = {}
        window = self._config.fcr_window_seconds
        self._fcr: FcrTracker[BucketKey] | None = (
            FcrTracker(window) if track_fcr and window is not None else None
        )

    def add_contact(self, contact: ContactRecord) -> None:
        """Count a contact in its bucket, moving it if its open record was elsewhere."""
        key = BucketKey(self._start(contact.arrived_at), self._group(contact))
        previous_key = self._open_keys.pop(contact.contact_id, None)
        if previous_key is not None and previous_key != key:
            self._buckets[previous_key].discard_contact(contact.contact_id)
        self._bucket(key).add_contact(contact)
        if not contact.is_final:
            self._open_keys[contact.contact_id] = key
        elif self._fcr is not None and not is_short_abandon(
            contact, self._config.short_abandon_seconds
        ):
            self._fcr.add(contact, key)

    def add_contacts(self, contacts: Iterable[ContactRecord]) -> None:
        for contact in contacts:
            self.add_contact(contact)

    def add_span(self, span: StateSpan) -> None:
        """Count a state span, split at interval boundaries; open ones up to each read's now."""
        if not self._spans_apply:
            return
        previous = self._open_spans.get(span.agent_id)
        if previous is not None and span.start >= previous.start:
            del self._open_spans[span.agent_id]
            if span.start > previous.start:
                self._add_closed_span(previous.closed_at(span.start))
        if span.end is None:
            self._open_spans[span.agent_id] = span
        else:
            self._add_closed_span(span)

    def add_spans(self, spans: Iterable[StateSpan]) -> None:
        for span in spans:
            self.add_span(span)

    def summaries(
        self, now: float | None = None, *, fcr_as_of: float | None = None
    ) -> dict[BucketKey, KpiSummary]:
        """Every non-empty bucket's summary; `now` counts waiting contacts and open spans.

        `fcr_as_of` (default: `now`) leaves contacts whose FCR window is still running pending.
        """
        judged: dict[BucketKey, tuple[int, int]] = {}
        if self._fcr is not None:
            as_of = fcr_as_of if fcr_as_of is not None else now
            for key, resolved in self._fcr.outcomes(as_of):
                if resolved is not None:
                    eligible, resolved_count = judged.get(key, (0, 0))
                    judged[key] = (eligible + 1, resolved_count + resolved)
        result = {
            key: bucket.summary(now, fcr_judged=judged.get(key, (0, 0)))
            for key, bucket in self._buckets.items()
        }
        if now is not None:
            for span in self._open_spans.values():
                for key, seconds in self._span_pieces(span, now):
                    result[key] = _with_state_seconds(
                        result.get(key, EMPTY_SUMMARY), span.state, seconds
                    )
        return {key: summary for key, summary in result.items() if summary != EMPTY_SUMMARY}

    def _start(self, moment: float) -> float | None:
        if self._interval is None:
            return None
        return interval_start(moment, self._interval, self._origin)

    def _group(self, record: ContactRecord | StateSpan) -> tuple[str | None, ...]:
        values: tuple[str | None, ...] = tuple(getattr(record, name) for name in self._attributes)
        return values

    def _bucket(self, key: BucketKey) -> KpiAccumulator:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = KpiAccumulator(self._config)
        return bucket

    def _add_closed_span(self, span: StateSpan) -> None:
        group = self._group(span)
        if self._interval is None:
            end = span.start if span.end is None else span.end
            self._bucket(BucketKey(None, group)).add_state_seconds(span.state, end - span.start)
            return
        for start, seconds in split_span(span, self._interval, self._origin):
            self._bucket(BucketKey(start, group)).add_state_seconds(span.state, seconds)

    def _span_pieces(self, span: StateSpan, now: float) -> Iterable[tuple[BucketKey, float]]:
        group = self._group(span)
        if self._interval is None:
            yield BucketKey(None, group), max(0.0, now - span.start)
            return
        for start, seconds in split_span(span, self._interval, self._origin, now=now):
            yield BucketKey(start, group), seconds


def _with_state_seconds(summary: KpiSummary, state: AgentState, seconds: float) -> KpiSummary:
    if state in HANDLING_STATES:
        return replace(summary, handling_state_seconds=summary.handling_state_seconds + seconds)
    if state == AgentState.AVAILABLE:
        return replace(summary, available_seconds=summary.available_seconds + seconds)
    if state in UNAVAILABLE_STATES:
        return replace(summary, unavailable_seconds=summary.unavailable_seconds + seconds)
    return summary


def summarize_groups(
    contacts: Iterable[ContactRecord] = (),
    spans: Iterable[StateSpan] = (),
    *,
    group_by: Dimension | Sequence[Dimension] = (),
    interval_seconds: float | None = None,
    origin: float = 0.0,
    config: KpiConfig | None = None,
    now: float | None = None,
    fcr_as_of: float | None = None,
) -> dict[BucketKey, KpiSummary]:
    """Batch: the summary of every bucket over all contacts and spans (FCR included)."""
    grouped = GroupedKpis(
        group_by=group_by,
        interval_seconds=interval_seconds,
        origin=origin,
        config=config,
        track_fcr=True,
    )
    grouped.add_contacts(contacts)
    grouped.add_spans(spans)
    return grouped.summaries(now, fcr_as_of=fcr_as_of)


def summarize(
    contacts: Iterable[ContactRecord] = (),
    spans: Iterable[StateSpan] = (),
    *,
    config: KpiConfig | None = None,
    now: float | None = None,
    fcr_as_of: float | None = None,
) -> KpiSummary:
    """Batch: one summary over all contacts and spans (FCR included)."""
    buckets = summarize_groups(contacts, spans, config=config, now=now, fcr_as_of=fcr_as_of)
    return buckets.get(BucketKey(None, ()), EMPTY_SUMMARY)
