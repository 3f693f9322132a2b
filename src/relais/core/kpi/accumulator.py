"""`KpiAccumulator`: contacts and state spans in, a `KpiSummary` out at any time.

Live use (O(1) per event): add a contact's record each time it changes (waiting, answered,
handled or abandoned). Records not final yet are kept by `contact_id`; a later record with
the same id replaces the earlier one's contribution. Final records are not kept, so a batch
of a million finished contacts needs constant memory; a final record must be added once.

State spans work the same way per agent: an open span (end None) is counted up to the `now`
given when reading; the closed span with the same start replaces it, and a later span of
the agent closes the open one at its own start (an earlier closed span leaves it open).
"""

from __future__ import annotations

from collections.abc import Iterable

from relais.core.kpi.definitions import KpiConfig
from relais.core.kpi.quality import CSAT_SATISFIED, NPS_DETRACTOR_MAX, NPS_PROMOTERS
from relais.core.kpi.records import HANDLING_STATES, UNAVAILABLE_STATES, AgentState
from relais.core.kpi.records import ContactRecord as Contact
from relais.core.kpi.records import StateSpan as Span
from relais.core.kpi.summary import KpiSummary


class KpiAccumulator:
    """Running counters of one group; `summary(now)` reads them as a `KpiSummary`."""

    __slots__ = (
        "_config",
        "_counts",
        "_longest_wait",
        "_open_contacts",
        "_open_spans",
        "_seconds",
    )

    def __init__(self, config: KpiConfig | None = None) -> None:
        self._config = config if config is not None else KpiConfig()
        # offered, answered, within, abandoned, after, short, waiting, handled, transferred,
        # csat responses, csat satisfied, nps responses, promoters, detractors,
        # fcr eligible, fcr resolved
        self._counts = [0] * 16
        # answered wait, abandoned wait, talk, hold, wrap-up, handling, available, unavailable
        self._seconds = [0.0] * 10  # 8: answered waits squared, 9: handling squared
        self._longest_wait: float | None = None
        self._open_contacts: dict[str, Contact] = {}
        self._open_spans: dict[str, Span] = {}

    @property
    def config(self) -> KpiConfig:
        return self._config

    def add_contact(self, contact: Contact) -> None:
        """Count a contact, replacing the earlier record of the same contact if still open."""
        previous = self._open_contacts.pop(contact.contact_id, None)
        if previous is not None:
            self._apply(previous, -1)
        self._apply(contact, 1)
        if not contact.is_final:
            self._open_contacts[contact.contact_id] = contact

    def discard_contact(self, contact_id: str) -> None:
        """Withdraw an open contact (it moved to another group); unknown ids are ignored."""
        previous = self._open_contacts.pop(contact_id, None)
        if previous is not None:
            self._apply(previous, -1)

    def add_contacts(self, contacts: Iterable[Contact]) -> None:
        for contact in contacts:
            self.add_contact(contact)

    def add_span(self, span: Span) -> None:
        """Count an agent's state span (open ones up to the `now` of each read)."""
        previous = self._open_spans.get(span.agent_id)
        if previous is not None and span.start >= previous.start:
            del self._open_spans[span.agent_id]
            self._add_span_seconds(previous.state, span.start - previous.start)
        if span.end is None:
            self._open_spans[span.agent_id] = span
        else:
            self._add_span_seconds(span.state, span.end - span.start)

    def add_spans(self, spans: Iterable[Span]) -> None:
        for span in spans:
            self.add_span(span)

    def add_fcr_outcome(self, resolved: bool) -> None:
        """Count one handled contact judged for first-contact resolution."""
        self._counts[14] += 1
        self._counts[15] += resolved

    def add_state_seconds(self, state: AgentState, seconds: float) -> None:
        """Count time in a state directly (e.g. a span already split at interval bounds)."""
        self._add_span_seconds(state, seconds)

    def merge(self, other: KpiAccumulator) -> None:
        """Add another accumulator's counts into this one (disjoint contacts and agents)."""
        for index, value in enumerate(other._counts):
            self._counts[index] += value
        for index, seconds in enumerate(other._seconds):
            self._seconds[index] += seconds
        if other._longest_wait is not None:
            self._note_wait(other._longest_wait)
        self._open_contacts.update(other._open_contacts)
        self._open_spans.update(other._open_spans)

    def summary(
        self, now: float | None = None, *, fcr_judged: tuple[int, int] = (0, 0)
    ) -> KpiSummary:
        """The KPIs so far; `now` adds the waits of waiting contacts and open spans' time.

        `fcr_judged` adds (eligible, resolved) FCR outcomes judged outside the accumulator.
        """
        counts, seconds = self._counts, list(self._seconds)
        oldest: float | None = None
        if now is not None:
            for contact in self._open_contacts.values():
                if contact.answered_at is None:
                    waited = max(0.0, now - contact.arrived_at)
                    oldest = waited if oldest is None else max(oldest, waited)
            for span in self._open_spans.values():
                _add_state(seconds, span.state, max(0.0, now - span.start))
        longest = self._longest_wait
        if oldest is not None and (longest is None or oldest > longest):
            longest = oldest
        return KpiSummary(
            offered=counts[0],
            answered=counts[1],
            answered_within_target=counts[2],
            abandoned=counts[3],
            abandoned_after_target=counts[4],
            short_abandoned=counts[5],
            waiting=counts[6],
            handled=counts[7],
            transferred=counts[8],
            csat_responses=counts[9],
            csat_satisfied=counts[10],
            nps_responses=counts[11],
            nps_promoters=counts[12],
            nps_detractors=counts[13],
            fcr_eligible=counts[14] + fcr_judged[0],
            fcr_resolved=counts[15] + fcr_judged[1],
            answered_wait_seconds=seconds[0],
            abandoned_wait_seconds=seconds[1],
            talk_seconds=seconds[2],
            hold_seconds=seconds[3],
            wrap_up_seconds=seconds[4],
            handling_state_seconds=seconds[5],
            available_seconds=seconds[6],
            unavailable_seconds=seconds[7],
            answered_wait_squares=seconds[8],
            handling_squares=seconds[9],
            longest_wait_seconds=longest,
            oldest_waiting_seconds=oldest,
        )

    def _apply(self, contact: Contact, sign: int) -> None:
        counts, seconds = self._counts, self._seconds
        if contact.answered_at is not None:
            wait = contact.answered_at - contact.arrived_at
            counts[0] += sign
            counts[1] += sign
            seconds[0] += sign * wait
            seconds[8] += sign * (wait * wait)
            if wait <= self._config.service_level_threshold(contact.queue):
                counts[2] += sign
            if contact.transferred:
                counts[8] += sign
            if contact.ended_at is not None:
                counts[7] += sign
                seconds[2] += sign * contact.talk_seconds
                seconds[3] += sign * contact.hold_seconds
                seconds[4] += sign * contact.wrap_up_seconds
                handling = contact.talk_seconds + contact.hold_seconds + contact.wrap_up_seconds
                seconds[9] += sign * (handling * handling)
            if sign > 0:
                self._note_wait(wait)
        elif contact.abandoned_at is not None:
            wait = contact.abandoned_at - contact.arrived_at
            if wait < self._config.short_abandon_seconds:
                counts[5] += sign
                return
            counts[0] += sign
            counts[3] += sign
            seconds[1] += sign * wait
            if wait > self._config.service_level_threshold(contact.queue):
                counts[4] += sign
            if sign > 0:
                self._note_wait(wait)
        else:
            counts[0] += sign
            counts[6] += sign
        if contact.csat is not None:
            counts[9] += sign
            if contact.csat in CSAT_SATISFIED:
                counts[10] += sign
        if contact.nps is not None:
            counts[11] += sign
            if contact.nps in NPS_PROMOTERS:
                counts[12] += sign
            elif contact.nps <= NPS_DETRACTOR_MAX:
                counts[13] += sign

    def _note_wait(self, wait: float) -> None:
        if self._longest_wait is None or wait > self._longest_wait:
            self._longest_wait = wait

    def _add_span_seconds(self, state: AgentState, seconds: float) -> None:
        _add_state(self._seconds, state, seconds)


def _add_state(seconds: list[float], state: AgentState, duration: float) -> None:
    if state in HANDLING_STATES:
        seconds[5] += duration
    elif state == AgentState.AVAILABLE:
        seconds[6] += duration
    elif state in UNAVAILABLE_STATES:
        seconds[7] += duration
