"""A reader's place in the event log (interactions/cursor.py): lines that commit late are
read once they commit, and given up after GAP_WAIT_S."""

from __future__ import annotations

import pytest
from django.utils import timezone

from relais.apps.interactions.cursor import GAP_WAIT_S, MAX_GAPS, LogCursor
from relais.apps.interactions.models import ContactEvent, EventKind

pytestmark = pytest.mark.django_db


def line(pk: int) -> None:
    ContactEvent.objects.create(id=pk, at=timezone.now(), kind=EventKind.CONTACT_CREATED)


def ids(events: list[ContactEvent]) -> list[int]:
    return [e.pk for e in events]


def test_a_line_that_commits_late_is_read_once_it_commits() -> None:
    # given lines 1, 2 and 4 committed (3 not yet)
    for pk in (1, 2, 4):
        line(pk)
    cursor = LogCursor()
    assert ids(cursor.read(now=0.0, limit=100)) == [1, 2, 4]
    assert (cursor.last, set(cursor.gaps)) == (4, {3})
    # when 3 commits, then it is read, alone, and no longer waited for
    line(3)
    line(5)
    assert ids(cursor.read(now=1.0, limit=100)) == [3, 5]
    assert (cursor.last, cursor.gaps) == (5, {})
    assert cursor.read(now=2.0, limit=100) == []


def test_a_gap_that_never_fills_is_given_up() -> None:
    for pk in (1, 3):
        line(pk)
    cursor = LogCursor()
    cursor.read(now=0.0, limit=100)
    assert set(cursor.gaps) == {2}
    cursor.read(now=GAP_WAIT_S + 1, limit=100)  # a rolled-back transaction
    assert cursor.gaps == {}


def test_at_the_end_of_the_log_the_missing_ids_are_watched() -> None:
    for pk in (1, 2, 4, 6):
        line(pk)
    cursor = LogCursor.at_end(now=0.0)
    assert (cursor.last, set(cursor.gaps)) == (6, {3, 5})
    line(5)
    assert ids(cursor.read(now=1.0, limit=100)) == [5]


def test_a_jump_of_the_ids_watches_only_the_ids_just_below_and_reads_on() -> None:
    # given the log's ids jumped far ahead (a large import rolled back moved the sequence on)
    line(1)
    cursor = LogCursor()
    assert ids(cursor.read(now=0.0, limit=100)) == [1]
    line(200_000)

    # then the reader goes on, watching at most MAX_GAPS ids, those just below the new line
    assert ids(cursor.read(now=1.0, limit=100)) == [200_000]
    assert len(cursor.gaps) == MAX_GAPS
    assert min(cursor.gaps) == 200_000 - MAX_GAPS
    # and a line that commits late just below is still read (the query names every gap)
    line(199_999)
    line(200_001)
    assert ids(cursor.read(now=2.0, limit=100)) == [199_999, 200_001]
