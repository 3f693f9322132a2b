"""A reader's place in the event log: the router's, and the voice service's offers feed's
(docs/router.md, "How requests reach the router").

Ids are allocated at insert, not at commit: a transaction that took id 10 may commit after
one that took id 11. A reader therefore remembers the ids it skipped (the gaps) and reads
them again for `GAP_WAIT_S`; a gap that never fills was a rolled-back transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from relais.apps.interactions import queries
from relais.apps.interactions.models import ContactEvent

GAP_WAIT_S = 10.0  # how long a missing event id may still commit (a slow API transaction)
GAP_WINDOW = 1000  # at the log's end, the ids below the last one watched as gaps
#: The most ids watched at once. A jump of the log's ids by more (a large import rolled back,
#: a sequence moved on) watches only the ids just below the new line: a query can name at most
#: 65,535 values, and an id allocated that long before is not a request still committing.
MAX_GAPS = 10_000


class LogCursor:
    """The last event id read, and the missing ids below it that may still commit (each
    until when it is waited for, in the reader's clock's seconds)."""

    def __init__(self, last: int = 0, gaps: Iterable[int] = (), *, now: float = 0.0) -> None:
        self.last = last
        self.gaps: dict[int, float] = dict.fromkeys(gaps, now + GAP_WAIT_S)

    @classmethod
    def at_end(cls, now: float) -> LogCursor:
        """After the log's last line, watching the ids missing among the last `GAP_WINDOW`
        (read inside the caller's snapshot, if it has one)."""
        last = ContactEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        recent = ContactEvent.objects.filter(id__gt=last - GAP_WINDOW).values_list("id", flat=True)
        gaps = set(range(max(1, last - GAP_WINDOW + 1), last + 1)) - set(recent)
        return cls(last, gaps, now=now)

    def read(self, now: float, limit: int) -> list[ContactEvent]:
        """The lines after the cursor and those of its gaps that committed since, in id
        order (at most `limit`); the cursor moves past them."""
        found = queries.events_after(self.last, list(self.gaps), limit)
        self.advance((row.pk for row in found), now)
        return found

    def advance(self, ids: Iterable[int], now: float) -> None:
        """The ids just read (in order): new gaps noted, filled ones forgotten, and those
        waited for long enough given up."""
        expected = self.last + 1
        for pk in ids:
            if pk > self.last:
                skipped = range(max(expected, pk - MAX_GAPS), pk)
                self.gaps.update(dict.fromkeys(skipped, now + GAP_WAIT_S))
                expected = pk + 1
                self.last = pk
            else:
                self.gaps.pop(pk, None)
        self.gaps = {
            pk: until
            for pk, until in self.gaps.items()
            if until > now and pk >= self.last - MAX_GAPS
        }
