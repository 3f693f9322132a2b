"""Supervision API: the live figures of the viewer's scope and the supervisors' actions."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from relais.apps.supervision.actions import selectors, services
from relais.apps.supervision.live.frames import LiveFigures
from relais.apps.supervision.live.selectors import live_figures
from relais.apps.supervision.schemas import (
    AgentStateChange,
    AgentStateRead,
    BroadcastCreate,
    BroadcastRead,
    OverflowOverrideRead,
    OverflowOverrideSet,
    QueuePriorityRead,
    QueuePrioritySet,
)

router = Router(tags=["supervision"])


@router.get("/supervision/live", response=LiveFigures)
def live(request: HttpRequest) -> LiveFigures:
    return live_figures(viewer=request.user)


@router.post("/supervision/agents/{agent_id}/state", response=AgentStateRead)
def agent_state(request: HttpRequest, agent_id: int, body: AgentStateChange) -> AgentStateRead:
    agent = selectors.supervised_agent_get(viewer=request.user, agent_id=agent_id)
    presence = services.agent_state_change(
        actor=request.user,  # type: ignore[arg-type]
        agent=agent,
        action=body.action,
        reason=body.reason,
        break_reason=body.break_reason,
    )
    return AgentStateRead(
        agent_id=agent.pk, state=presence.state, break_reason=presence.break_reason
    )


@router.post("/supervision/overflow-steps/{step_id}/override", response=OverflowOverrideRead)
def overflow_override(
    request: HttpRequest, step_id: int, body: OverflowOverrideSet
) -> OverflowOverrideRead:
    step = selectors.step_get(viewer=request.user, step_id=step_id)
    step = services.overflow_override_set(
        actor=request.user,  # type: ignore[arg-type]
        step=step,
        is_open=body.open,
        reason=body.reason,
    )
    return OverflowOverrideRead(
        id=step.pk,
        queue=step.queue.code,
        order=step.order,
        after_seconds=step.after_seconds,
        override={"open": True, "closed": False}.get(step.override),
    )


@router.post("/supervision/queues/{queue_id}/priority", response=QueuePriorityRead)
def queue_priority(
    request: HttpRequest, queue_id: int, body: QueuePrioritySet
) -> QueuePriorityRead:
    queue = selectors.queue_get(viewer=request.user, queue_id=queue_id)
    queue = services.queue_priority_set(
        actor=request.user,  # type: ignore[arg-type]
        queue=queue,
        priority=body.priority,
        reason=body.reason,
    )
    return QueuePriorityRead(id=queue.pk, code=queue.code, priority=queue.priority)


@router.get("/supervision/broadcasts", response=list[BroadcastRead])
def broadcasts(request: HttpRequest) -> list[BroadcastRead]:
    return [
        BroadcastRead.model_validate(b, from_attributes=True)
        for b in selectors.broadcast_list(viewer=request.user)[:100]
    ]


@router.post("/supervision/broadcasts", response=BroadcastRead)
def broadcast(request: HttpRequest, body: BroadcastCreate) -> BroadcastRead:
    sent = services.broadcast_send(
        actor=request.user,  # type: ignore[arg-type]
        target_kind=body.target_kind,
        target_id=body.target_id,
        message=body.message,
        reason=body.reason,
    )
    return BroadcastRead.model_validate(sent, from_attributes=True)
