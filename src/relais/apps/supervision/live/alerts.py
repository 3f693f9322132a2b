"""The alerts of the live figures (docs/supervision.md, "Alerts"): service level under the
queue's target, a contact waiting beyond the queue's T, contacts waiting where nobody can be
reached now (`unreachable`), an agent's break beyond its plan, an agent disconnected.

Each alert carries `since`, the start of its occurrence, computed from the record alone (the
same on every web process and after a reload): a wait, when the oldest contact crossed T;
nobody reachable, when the oldest contact began to wait; a break or a disconnection, when it
crossed its plan or began; a service level under target, the start of the current half hour
(`RENOTIFY_SECONDS`), so an acknowledged one comes back every half hour while it lasts."""

from __future__ import annotations

from collections.abc import Iterable

from relais.apps.supervision.live.board import LiveBoard
from relais.apps.supervision.live.frames import Alert, FigureRow
from relais.core.kpi import OUT_OF_SERVICE, AgentState, from_epoch
from relais.core.routing import reachable_now

#: Planned length of a break by reason, seconds; beyond it, an alert (until WFM schedules
#: give each agent's planned breaks).
BREAK_PLAN_SECONDS = {
    "lunch": 3600.0,
    "prayer": 900.0,
    "training": 3600.0,
    "coaching": 1800.0,
    "technical_incident": 900.0,
    "missed_offers": 300.0,
    "other": 900.0,
}


#: A disconnected agent is an alert for this long; then they count as gone.
DISCONNECTED_SECONDS = 3600.0

#: An acknowledged service-level alert shows again at the next half hour while it lasts.
RENOTIFY_SECONDS = 1800.0


def alerts(
    board: LiveBoard, queues: Iterable[FigureRow], visible: set[str] | None, now: float
) -> list[Alert]:
    """Service level under target, waiting beyond the queue's T, contacts waiting where nobody
    can be reached now, breaks beyond plan."""
    found: list[Alert] = []
    logged_in: set[str] | None = None
    for row in queues:
        info = board.queues.get(row.key)
        if info is None:
            continue
        level = row.service_level_30m if row.service_level_30m is not None else row.service_level
        if level is not None and level < info.target:
            found.append(
                Alert(
                    kind="service_level",
                    key=row.key,
                    subject=row.label,
                    value=level,
                    threshold=info.target,
                    since=from_epoch(now - now % RENOTIFY_SECONDS),
                )
            )
        oldest = row.oldest_waiting_seconds
        if oldest is not None and oldest > info.target_seconds:
            found.append(
                Alert(
                    kind="waiting",
                    key=row.key,
                    subject=row.label,
                    value=oldest,
                    threshold=info.target_seconds,
                    since=from_epoch(now - oldest + info.target_seconds),
                )
            )
        reach = board.reach.get(row.key)
        if row.waiting and reach is not None:
            if logged_in is None:
                logged_in = _logged_in(board)
            if not reachable_now(reach, now, logged_in):
                found.append(
                    Alert(
                        kind="unreachable",
                        key=row.key,
                        subject=row.label,
                        value=row.waiting,
                        threshold=0,
                        since=from_epoch(now - (row.oldest_waiting_seconds or 0.0)),
                    )
                )
    for agent, current in board.tracker.current.items():
        if visible is not None and agent not in visible:
            continue
        if current.state == AgentState.DISCONNECTED:
            if now - current.since > DISCONNECTED_SECONDS:
                continue  # gone for the day, not an incident any more
            found.append(
                Alert(
                    kind="disconnected",
                    key=agent,
                    subject=board.names.get("agent", {}).get(agent, agent),
                    value=now - current.since,
                    threshold=0,
                    since=from_epoch(current.since),
                )
            )
            continue
        if current.state != AgentState.BREAK:
            continue
        plan = BREAK_PLAN_SECONDS.get(current.reason or "other", BREAK_PLAN_SECONDS["other"])
        if now - current.since > plan:
            found.append(
                Alert(
                    kind="break",
                    key=agent,
                    subject=board.names.get("agent", {}).get(agent, agent),
                    value=now - current.since,
                    threshold=plan,
                    since=from_epoch(current.since + plan),
                )
            )
    return found


def _logged_in(board: LiveBoard) -> set[str]:
    """Every logged-in agent, whatever the viewer's scope: anyone of them may answer."""
    return {
        a for a, current in board.tracker.current.items() if current.state not in OUT_OF_SERVICE
    }
