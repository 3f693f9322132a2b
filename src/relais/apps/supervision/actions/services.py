"""Supervisors' actions: each one checked, written in one transaction, audited with who,
when and why (`reason`), its side effects (pushes) after commit.

- `agent_state_change`: log an agent in or out, start or end a break, through the
  interactions services (which decide who may act for whom: the agent's supervisor or an
  administrator) — the router applies it like any presence request;
- `overflow_override_set`: open or close an overflow step now, or lift the override (None),
  through `router.services.overflow_step_override` (the router follows at once);
- `queue_priority_set`: the queue's priority, through `router.services.queue_priority_set`;
  both for administrators and directors only (`router.access`: they move traffic between
  sites and companies), refused with 403 before the reason is even read;
- `broadcast_send`: a message to every agent of a team, site or partner in the actor's
  scope, stored and appended to each agent's numbered desk stream (pushed after commit).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from relais.apps.accounts.models import User
from relais.apps.audit.services import audit_record
from relais.apps.deskstream.events import BroadcastEvent, desk_event_append
from relais.apps.errors import RelaisError
from relais.apps.interactions import services as interactions
from relais.apps.interactions.models import AgentPresence
from relais.apps.organisation.models import Agent
from relais.apps.router import services as router
from relais.apps.router.access import require_steering
from relais.apps.routing.models import OverflowStep, Queue, StepOverride
from relais.apps.supervision.access import reason_required
from relais.apps.supervision.actions.selectors import broadcast_target, may_broadcast
from relais.apps.supervision.errors import ErrorCode
from relais.apps.supervision.models import Broadcast

STATE_ACTIONS = ("login", "logout", "break", "ready")


def _require(allowed: bool) -> None:
    if not allowed:
        raise RelaisError(ErrorCode.NOT_A_SUPERVISOR)


def agent_state_change(
    *, actor: User, agent: Agent, action: str, reason: str, break_reason: str = "other"
) -> AgentPresence:
    why = reason_required(reason)
    if action not in STATE_ACTIONS:
        raise RelaisError(ErrorCode.INVALID_STATE_ACTION, action=action)
    with transaction.atomic(durable=True):
        if action == "login":
            presence = interactions.agent_login(actor=actor, agent=agent)
        elif action == "logout":
            presence = interactions.agent_logout(actor=actor, agent=agent)
        elif action == "break":
            presence = interactions.agent_break_start(actor=actor, agent=agent, reason=break_reason)
        else:
            presence = interactions.agent_break_end(actor=actor, agent=agent)
        audit_record(
            actor=actor,
            action="supervision.agent_state",
            obj=agent,
            changes={"action": action, "state": presence.state, "break_reason": break_reason},
            reason=why,
        )
    return presence


def overflow_override_set(
    *, actor: User, step: OverflowStep, is_open: bool | None, reason: str
) -> OverflowStep:
    """Open (True) or close (False) the step now; None: back to its rules. The routing
    service records and audits it, and the router follows at once."""
    require_steering(actor)
    why = reason_required(reason)
    state = StepOverride.NONE
    if is_open is not None:
        state = StepOverride.OPEN if is_open else StepOverride.CLOSED
    return router.overflow_step_override(actor=actor, step=step, state=state, reason=why)


def queue_priority_set(*, actor: User, queue: Queue, priority: int, reason: str) -> Queue:
    """The queue's priority, for the contacts waiting in it and those to come."""
    require_steering(actor)
    why = reason_required(reason)
    return router.queue_priority_set(actor=actor, queue=queue, priority=priority, reason=why)


def broadcast_send(
    *, actor: User, target_kind: str, target_id: int, message: str, reason: str
) -> Broadcast:
    _require(may_broadcast(actor))
    why = reason_required(reason)
    message = (message or "").strip()
    if not message or len(message) > 2000:
        raise RelaisError(ErrorCode.MESSAGE_REQUIRED)
    label, recipients = broadcast_target(viewer=actor, target_kind=target_kind, target_id=target_id)
    with transaction.atomic(durable=True):
        broadcast = Broadcast.objects.create(
            target_kind=target_kind,
            target_id=target_id,
            target_label=label,
            message=message,
            reason=why,
            sent_by=actor,
            sent_at=timezone.now(),
            recipients=recipients,
        )
        audit_record(
            actor=actor,
            action="supervision.broadcast",
            obj=broadcast,
            changes={"to": f"{target_kind}:{label}", "recipients": len(recipients)},
            reason=why,
        )
        event = BroadcastEvent(
            broadcast_id=broadcast.pk,
            message=message,
            sender=actor.get_full_name() or actor.username,
            target_kind=target_kind,
            target=label,
            sent_at=broadcast.sent_at,
        )
        for agent_id in recipients:  # numbered: shown again after a reconnect
            desk_event_append(agent_id=agent_id, event=event, key=f"broadcast:{broadcast.pk}")
    return broadcast
