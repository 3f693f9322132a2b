"""Verifying the audit chain: each entry's link and keyed digest, then the anchors written
outside the database (audit/anchors.py).

What each failure means:

- `link`: an entry does not follow the one before it (entries deleted in the middle, or
  moved);
- `digest`: an entry's digest is not the one the key gives (edited, or every digest
  computed again without the key);
- `unkeyed_after_keyed`: an unkeyed entry after the chain was keyed (the chain written again);
- `anchor_mismatch`: the entry an anchor named no longer has the digest anchored;
- `truncated`: fewer entries than an anchor counted (the last entries deleted).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.apps.audit.anchors import Anchor, anchors_read
from relais.apps.audit.chain import GENESIS, UNKEYED, entry_digest
from relais.apps.audit.keys import audit_key
from relais.apps.audit.models import AuditEntry


class Problem(enum.StrEnum):
    LINK = "link"
    DIGEST = "digest"
    UNKEYED_AFTER_KEYED = "unkeyed_after_keyed"
    ANCHOR_MISMATCH = "anchor_mismatch"
    TRUNCATED = "truncated"


_MESSAGES: dict[Problem, Promise] = {
    Problem.LINK: _(
        "Entry #%(entry)s does not follow the entry before it: entries were deleted or moved."
    ),
    Problem.DIGEST: _(
        "Entry #%(entry)s does not carry the digest the audit key gives: it was edited, or the "
        "digests were computed again without the key."
    ),
    Problem.UNKEYED_AFTER_KEYED: _(
        "Entry #%(entry)s is unkeyed although the chain was keyed before it: the chain was "
        "written again."
    ),
    Problem.ANCHOR_MISMATCH: _(
        "The anchor of %(at)s named entry #%(entry)s with another digest: the chain was "
        "written again."
    ),
    Problem.TRUNCATED: _(
        "The anchor of %(at)s counted %(anchored)s entries up to #%(entry)s; the log now holds "
        "%(entries)s: its last entries were deleted."
    ),
}


@dataclass(frozen=True)
class Verdict:
    """The chain's state: `problem` is None when it holds."""

    entries: int
    last_id: int | None
    digest: str
    anchors: int
    problem: Problem | None = None
    entry_id: int | None = None
    anchor: Anchor | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None

    @property
    def message(self) -> str:
        if self.problem is None:
            return str(
                _("The audit log holds: %(entries)s entries, %(anchors)s anchors checked.")
                % {"entries": self.entries, "anchors": self.anchors}
            )
        return str(
            _MESSAGES[self.problem]
            % {
                "entry": self.entry_id,
                "at": self.anchor.at if self.anchor else "",
                "anchored": self.anchor.entries if self.anchor else "",
                "entries": self.entries,
            }
        )


def chain_verify(*, anchors: list[Anchor] | None = None) -> Verdict:
    """Walk the whole chain in order, then hold it against the anchors (the file's when None)."""
    anchors = anchors_read() if anchors is None else anchors
    return _walk(anchors, start=None)


def chain_verify_since_anchor(*, anchors: list[Anchor] | None = None) -> Verdict:
    """Check the entry the last anchor named (still there, same digest, same count up to it),
    then walk only the entries after it: what the periodic anchor does, in time proportional to
    what was written since. The whole walk (`chain_verify`, `relais audit verify`) still checks
    every entry before it; without an anchor this is the whole walk."""
    anchors = anchors_read() if anchors is None else anchors
    last = max(anchors, key=lambda a: a.entries, default=None)
    if last is None:
        return _walk(anchors, start=None)
    anchored = AuditEntry.objects.filter(pk=last.last_id).values_list("digest", flat=True).first()
    before = AuditEntry.objects.filter(pk__lte=last.last_id).count()
    if anchored is None or before < last.entries:
        return Verdict(before, None, "", len(anchors), Problem.TRUNCATED, last.last_id, last)
    if anchored != last.digest or before != last.entries:
        return Verdict(before, None, "", len(anchors), Problem.ANCHOR_MISMATCH, last.last_id, last)
    return _walk(anchors, start=last)


def _walk(anchors: list[Anchor], *, start: Anchor | None) -> Verdict:
    """Walk the chain after `start` (an anchor already checked; None: from the first entry)."""
    by_count = {anchor.entries: anchor for anchor in anchors}
    unkeyed_until = min(
        (a.unkeyed_last_id or 0 for a in anchors), default=None
    )  # the first anchor knew where the unkeyed entries ended
    key = audit_key()
    previous, count, last_id, keyed_seen = GENESIS, 0, None, False
    entries = AuditEntry.objects.order_by("id")
    if start is not None:
        previous, count, last_id = start.digest, start.entries, start.last_id
        keyed_seen = start.unkeyed_last_id is None or start.last_id > start.unkeyed_last_id
        entries = entries.filter(pk__gt=start.last_id)

    def failed(problem: Problem, entry_id: int | None, anchor: Anchor | None = None) -> Verdict:
        return Verdict(count, last_id, previous, len(anchors), problem, entry_id, anchor)

    for entry in entries.iterator(chunk_size=2000):
        count += 1
        if entry.chain_version == UNKEYED:
            if keyed_seen or (unkeyed_until is not None and entry.id > unkeyed_until):
                return failed(Problem.UNKEYED_AFTER_KEYED, entry.id)
        else:
            keyed_seen = True
        if entry.previous_digest != previous:
            return failed(Problem.LINK, entry.id)
        if entry.digest != entry_digest(entry, previous=previous, key=key):
            return failed(Problem.DIGEST, entry.id)
        previous, last_id = entry.digest, entry.id
        anchor = by_count.get(count)
        if anchor is not None and (anchor.last_id != entry.id or anchor.digest != entry.digest):
            return failed(Problem.ANCHOR_MISMATCH, anchor.last_id, anchor)
    longest = max(anchors, key=lambda a: a.entries, default=None)
    if longest is not None and longest.entries > count:
        return failed(Problem.TRUNCATED, longest.last_id, longest)
    return Verdict(count, last_id, previous, len(anchors))
