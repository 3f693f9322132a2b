"""Volume split: a queue's contacts shared across partners and sites by target percentages.

A queue with a `VolumeSplit` (say 40 % Atlas, 35 % Carpathia, 25 % Lille) keeps, over a
sliding window of its last `window` offers (count-based), the share of each group (a
partner or a site) close to its target:

- a group's *deficit* is its target share minus its actual share over the window;
- a group is *open* while its actual share is at most its target plus `tolerance_pct`
  points (deficit ≥ −tolerance); with an empty window every group is open, and since the
  targets sum to 100 % some group is always open (one at or under its target);
- a contact waiting less than `wait_bound_s` may only be offered to agents of open groups,
  the group with the largest deficit first; once it has waited `wait_bound_s` it goes to
  anyone eligible (still the largest deficit first, agents of no group last), so no free
  agent is starved for longer than the bound.

Skills, languages and overflow steps decide who is eligible, as without a split; the split
only narrows the eligible agents for the first `wait_bound_s` seconds. An agent belongs to
the first group naming its site, else the first naming its partner.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "OUTSIDE",
    "SplitRuntime",
    "SplitShare",
    "SplitShareStatus",
    "VolumeSplit",
    "group_of",
    "offers_by_interval",
]

#: The group of an agent whose site and partner no share names.
OUTSIDE = -1
#: Percentages must sum to 100 within this.
_SUM_TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class SplitShare:
    """One group's target: a partner's sites or one site (exactly one of the two)."""

    percent: float
    partner: str | None = None
    site: str | None = None

    def __post_init__(self) -> None:
        if (self.partner is None) == (self.site is None):
            raise ValueError("a split share names a partner or a site, not both nor neither")
        if not 0 < self.percent <= 100:
            raise ValueError(f"a split share is above 0 % and at most 100 %, not {self.percent}")

    @property
    def label(self) -> str:
        return f"site:{self.site}" if self.site is not None else f"partner:{self.partner}"


@dataclass(frozen=True, slots=True)
class VolumeSplit:
    """Target shares of a queue's contacts, the longest a contact waits for its share's
    group (`wait_bound_s`), the window the actual shares are measured over (its last
    `window` offers), and how many points above its target a group may go before it is
    closed to contacts that have not waited the bound (`tolerance_pct`)."""

    shares: tuple[SplitShare, ...]
    wait_bound_s: float = 10.0
    window: int = 500
    tolerance_pct: float = 2.0

    def __post_init__(self) -> None:
        if len(self.shares) < 2:
            raise ValueError("a split needs at least two shares")
        total = sum(share.percent for share in self.shares)
        if abs(total - 100.0) > _SUM_TOLERANCE:
            raise ValueError(f"split shares must sum to 100 %, not {total:g} %")
        labels = [share.label for share in self.shares]
        if len(set(labels)) != len(labels):
            raise ValueError("a split names each partner or site once")
        if self.wait_bound_s < 0:
            raise ValueError("the split's wait bound cannot be negative")
        if self.window < 1:
            raise ValueError("the split's window holds at least one contact")
        if not 0 <= self.tolerance_pct < 100:
            raise ValueError("the split's tolerance is at least 0 and under 100 points")


class Placed(Protocol):
    """A site as the split reads it (`model.Site`; not imported: the model imports this)."""

    @property
    def site_id(self) -> str: ...

    @property
    def partner(self) -> str | None: ...


def group_of(split: VolumeSplit, site: Placed) -> int:
    """The index of the share the site's agents count for, or `OUTSIDE`."""
    for index, share in enumerate(split.shares):
        if share.site == site.site_id:
            return index
    if site.partner is not None:
        for index, share in enumerate(split.shares):
            if share.partner == site.partner:
                return index
    return OUTSIDE


def offers_by_interval(
    offers: Iterable[tuple[float, int]], groups: int, interval_s: float
) -> dict[int, list[int]]:
    """Contacts per interval (`at // interval_s`) and group, from (time, group) pairs; the
    last count of each interval is the contacts of no group (`OUTSIDE`)."""
    counts: dict[int, list[int]] = {}
    for at, group in offers:
        row = counts.get(int(at // interval_s))
        if row is None:
            row = counts[int(at // interval_s)] = [0] * (groups + 1)
        row[groups if group == OUTSIDE else group] += 1
    return counts


@dataclass(frozen=True, slots=True)
class SplitShareStatus:
    """One group's target and actual share (percent) over the current window."""

    label: str
    target_percent: float
    actual_percent: float
    offers: int


class SplitRuntime:
    """The window of a split queue: its last offers by group, and the open groups."""

    __slots__ = (
        "bound",
        "counts",
        "open",
        "order",
        "outside",
        "recent",
        "size",
        "targets",
        "tolerance",
    )

    def __init__(self, split: VolumeSplit) -> None:
        self.targets = tuple(share.percent / 100.0 for share in split.shares)
        self.tolerance = split.tolerance_pct / 100.0
        self.bound = split.wait_bound_s
        self.size = split.window
        self.counts = [0] * len(self.targets)
        self.outside = 0
        self.recent: deque[int] = deque()
        self.open: list[bool] = [True] * len(self.targets)
        self.order: tuple[int, ...] = tuple(range(len(self.targets)))

    def deficit(self, group: int) -> float:
        """Target share minus actual share over the window (0 actual when it is empty)."""
        total = len(self.recent)
        actual = self.counts[group] / total if total else 0.0
        return self.targets[group] - actual

    def record(self, group: int) -> bool:
        """One offer to an agent of `group`; True when some group opened or closed."""
        recent = self.recent
        recent.append(group)
        self._count(group, +1)
        if len(recent) > self.size:
            self._count(recent.popleft(), -1)
        deficits = [self.deficit(index) for index in range(len(self.targets))]
        opened = [deficit >= -self.tolerance for deficit in deficits]
        self.order = tuple(sorted(range(len(deficits)), key=lambda g: (-deficits[g], g)))
        changed = opened != self.open
        self.open = opened
        return changed

    def _count(self, group: int, delta: int) -> None:
        if group == OUTSIDE:
            self.outside += delta
        else:
            self.counts[group] += delta

    def rank(self, group: int) -> int:
        """The group's place in deficit order (0: the largest deficit); outside: last."""
        return len(self.order) if group == OUTSIDE else self.order.index(group)

    def status(self, labels: Sequence[str]) -> tuple[SplitShareStatus, ...]:
        total = len(self.recent)
        return tuple(
            SplitShareStatus(
                label,
                round(target * 100, 6),
                round(100 * count / total, 6) if total else 0.0,
                count,
            )
            for label, target, count in zip(labels, self.targets, self.counts, strict=True)
        )
