"""Reads of supervision, through the viewer's scope (docs/supervision.md).

Who may supervise: every role but agents; what they see follows `scope_for`: the whole
organisation, their partner, or their teams.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from relais.apps.accounts.errors import ErrorCode
from relais.apps.errors import RelaisError
from relais.apps.organisation.models import Agent
from relais.apps.organisation.scoping import scope_for
from relais.apps.organisation.selectors import agent_list
from relais.apps.routing.models import OverflowStep, Queue
from relais.apps.supervision.board import snapshot
from relais.apps.supervision.frames import LiveFigures
from relais.apps.supervision.live import LiveBoard
from relais.apps.supervision.models import Broadcast


def may_supervise(viewer: Any) -> bool:
    scope = scope_for(viewer)
    return scope.everything or scope.partner_id is not None or bool(scope.team_ids)


def require_supervision(viewer: Any) -> None:
    if not may_supervise(viewer):
        raise RelaisError(ErrorCode.PERMISSION_DENIED)


def live_figures(*, viewer: Any) -> LiveFigures:
    """The figures of the viewer's scope now, from a board rebuilt from the record."""
    require_supervision(viewer)
    board = LiveBoard()
    board.rebuild()
    return snapshot(board, scope_for(viewer), board.clock())


def queue_list(*, viewer: Any) -> QuerySet[Queue]:
    """Queues with their steps and overrides (the client's configuration: every supervisor)."""
    require_supervision(viewer)
    return Queue.objects.filter(active=True).prefetch_related(
        "overflow_steps__partners", "overflow_steps__sites", "overflow_steps__override_by"
    )


def _get[M: Model](queryset: QuerySet[M], pk: int, kind: str) -> M:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise RelaisError(ErrorCode.NOT_FOUND, kind=kind)
    return found


def queue_get(*, viewer: Any, queue_id: int) -> Queue:
    return _get(queue_list(viewer=viewer), queue_id, "queue")


def step_get(*, viewer: Any, step_id: int) -> OverflowStep:
    require_supervision(viewer)
    return _get(OverflowStep.objects.select_related("queue"), step_id, "overflow step")


def supervised_agent_get(*, viewer: Any, agent_id: int) -> Agent:
    require_supervision(viewer)
    return _get(agent_list(viewer=viewer), agent_id, "agent")


def broadcast_list(*, viewer: Any) -> QuerySet[Broadcast]:
    """Broadcasts to targets in the viewer's scope (its sender's among them)."""
    require_supervision(viewer)
    scope = scope_for(viewer)
    broadcasts = Broadcast.objects.select_related("sent_by")
    if scope.everything:
        return broadcasts
    agents = set(agent_list(viewer=viewer).values_list("pk", flat=True))
    keep = [b.pk for b in broadcasts if agents.intersection(b.recipients) or b.sent_by == viewer]
    return broadcasts.filter(pk__in=keep)
