"""Customer-side KPIs: CSAT and NPS over survey scores, first-contact resolution.

First-contact resolution: a handled contact is resolved at first contact when the same
customer (`customer_ref`) does not contact again within the window, i.e. their next contact
arrives more than `window_seconds` after this one (a next contact at exactly the window's end
is a repeat). A contact whose window has not elapsed by `as_of` and has no repeat yet is
pending and left out of the rate. Any contact may be the repeat (answered, abandoned beyond
the short-abandon threshold, or still waiting); only handled contacts are judged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from relais.core.kpi.definitions import (
    csat_top_two_box,
    first_contact_resolution,
    net_promoter_score,
)
from relais.core.kpi.records import ContactRecord

CSAT_SATISFIED = frozenset({4, 5})
NPS_PROMOTERS = frozenset({9, 10})
NPS_DETRACTOR_MAX = 6


def csat_from_scores(scores: Iterable[int]) -> float | None:
    """Top-2-box CSAT of 1-5 scores: share of 4 and 5; None without any score."""
    responses = satisfied = 0
    for score in scores:
        if not 1 <= score <= 5:
            raise ValueError(f"CSAT score {score} is outside 1-5")
        responses += 1
        satisfied += score in CSAT_SATISFIED
    return csat_top_two_box(satisfied, responses)


def nps_from_scores(scores: Iterable[int]) -> float | None:
    """NPS of 0-10 scores: % promoters (9-10) minus % detractors (0-6); None without any."""
    responses = promoters = detractors = 0
    for score in scores:
        if not 0 <= score <= 10:
            raise ValueError(f"NPS score {score} is outside 0-10")
        responses += 1
        promoters += score in NPS_PROMOTERS
        detractors += score <= NPS_DETRACTOR_MAX
    return net_promoter_score(promoters, detractors, responses)


@dataclass(frozen=True, slots=True)
class FcrCounts:
    """Handled contacts judged resolved at first contact, judged at all, and still pending."""

    resolved: int = 0
    eligible: int = 0
    pending: int = 0

    @property
    def rate(self) -> float | None:
        return first_contact_resolution(self.resolved, self.eligible)


class FcrTracker[K]:
    """Collects contacts per customer and judges FCR, attributing each outcome to a key.

    Contacts may come in any order; memory is one small entry per contact with a customer
    reference, and `outcomes` sorts each customer's contacts (a handful each), so the whole
    stays close to O(n).
    """

    __slots__ = ("_by_customer", "_window")

    def __init__(self, window_seconds: float) -> None:
        if window_seconds <= 0:
            raise ValueError("the FCR window must be positive")
        self._window = window_seconds
        self._by_customer: dict[str, list[tuple[float, bool, K]]] = {}

    def add(self, contact: ContactRecord, key: K) -> None:
        """Note a contact (not a short abandon); handled ones are judged, all count as repeats."""
        if contact.customer_ref is None:
            return
        self.note(contact.customer_ref, contact.arrived_at, contact.answered_at is not None, key)

    def note(self, customer_ref: str, arrived_at: float, eligible: bool, key: K) -> None:
        """Note a contact of `customer_ref` arrived at `arrived_at`; judged when `eligible`."""
        self._by_customer.setdefault(customer_ref, []).append((arrived_at, eligible, key))

    def outcomes(self, as_of: float | None = None) -> Iterator[tuple[K, bool | None]]:
        """(key, resolved) per handled contact: True, False, or None while pending.

        With `as_of` None the data is taken as complete: a customer's last contact is resolved.
        """
        window = self._window
        for entries in self._by_customer.values():
            entries.sort(key=_arrival)
            last = len(entries) - 1
            for index, (arrived_at, eligible, key) in enumerate(entries):
                if not eligible:
                    continue
                if index < last:
                    yield key, entries[index + 1][0] - arrived_at > window
                elif as_of is None or as_of >= arrived_at + window:
                    yield key, True
                else:
                    yield key, None


def repeat_ref(customer_key: str, subject: str) -> str | None:
    """What a repeat shares with the contact it repeats: the same identified customer about
    the same thing (the order, else the contact reason; blank when neither is known). None for
    an unidentified customer, who cannot be judged."""
    return f"{customer_key}\x1f{subject}" if customer_key else None


def _arrival(entry: tuple[float, bool, object]) -> float:
    return entry[0]


def fcr_counts(
    contacts: Iterable[ContactRecord],
    *,
    window_seconds: float,
    short_abandon_seconds: float = 0.0,
    as_of: float | None = None,
) -> FcrCounts:
    """FCR counts over contacts, short abandons (waited < threshold) left out."""
    tracker: FcrTracker[None] = FcrTracker(window_seconds)
    for contact in contacts:
        if not is_short_abandon(contact, short_abandon_seconds):
            tracker.add(contact, None)
    resolved = eligible = pending = 0
    for _key, outcome in tracker.outcomes(as_of):
        if outcome is None:
            pending += 1
        else:
            eligible += 1
            resolved += outcome
    return FcrCounts(resolved=resolved, eligible=eligible, pending=pending)


def is_short_abandon(contact: ContactRecord, short_abandon_seconds: float) -> bool:
    """Abandoned after waiting strictly less than the threshold."""
    return (
        contact.abandoned_at is not None
        and contact.abandoned_at - contact.arrived_at < short_abandon_seconds
    )
