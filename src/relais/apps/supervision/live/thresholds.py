"""The colours of the wallboard's figures (docs/supervision.md, "Tiles and thresholds").

Each figure is `ok`, `warn` or `bad` against the queue's own targets (`Queue.
service_level_percent` within `service_level_seconds`, T); a row that is not one queue (a
site, a partner, the totals) is held to the most demanding target among the queues of the
board (the highest service level, the shortest T):

| figure | ok | warn | bad |
|---|---|---|---|
| service level (today, last 30 min) | ≥ target | ≥ target − 5 points | below |
| contacts waiting, oldest wait now | oldest ≤ T | ≤ 2 T | beyond 2 T |
| abandonment rate | ≤ 5 % | ≤ 10 % | beyond 10 % |

No data (no contact yet): no level (a neutral tile).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SERVICE_LEVEL_WARN_MARGIN = 0.05
WAIT_WARN_FACTOR = 2.0
ABANDONMENT_OK = 0.05
ABANDONMENT_WARN = 0.10

DEFAULT_SERVICE_LEVEL = 0.8
DEFAULT_SECONDS = 20.0


@dataclass(frozen=True, slots=True)
class Targets:
    service_level: float  # a fraction
    seconds: float  # T


def most_demanding(targets: Iterable[Targets]) -> Targets:
    """The highest service-level target and the shortest T among `targets` (defaults: 80 %
    in 20 s when there is no queue)."""
    found = list(targets)
    if not found:
        return Targets(DEFAULT_SERVICE_LEVEL, DEFAULT_SECONDS)
    return Targets(max(t.service_level for t in found), min(t.seconds for t in found))


def service_level_level(value: float | None, target: float) -> str | None:
    if value is None:
        return None
    if value >= target:
        return "ok"
    return "warn" if value >= target - SERVICE_LEVEL_WARN_MARGIN else "bad"


def wait_level(waiting: int, oldest_seconds: float | None, target_seconds: float) -> str:
    if not waiting or oldest_seconds is None or oldest_seconds <= target_seconds:
        return "ok"
    return "warn" if oldest_seconds <= WAIT_WARN_FACTOR * target_seconds else "bad"


def abandonment_level(rate: float | None) -> str | None:
    if rate is None:
        return None
    if rate <= ABANDONMENT_OK:
        return "ok"
    return "warn" if rate <= ABANDONMENT_WARN else "bad"


def levels(
    *,
    targets: Targets,
    service_level: float | None,
    service_level_30m: float | None,
    waiting: int,
    oldest_waiting_seconds: float | None,
    abandonment_rate: float | None,
) -> dict[str, str]:
    """The level of each coloured figure of a row (keys: the row's field names)."""
    found = {
        "service_level": service_level_level(service_level, targets.service_level),
        "service_level_30m": service_level_level(service_level_30m, targets.service_level),
        "waiting": wait_level(waiting, oldest_waiting_seconds, targets.seconds),
        "oldest_waiting_seconds": wait_level(waiting, oldest_waiting_seconds, targets.seconds),
        "abandonment_rate": abandonment_level(abandonment_rate),
    }
    return {key: level for key, level in found.items() if level is not None}
