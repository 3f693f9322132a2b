"""Read-only questions to the engine: queue position, estimated wait, queue status.

These walk a queue's line or members (O(waiting) or O(members)); they are for the
caller's occasional questions, not for the per-event path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from relais.core.routing.errors import RoutingError, RoutingErrorCode
from relais.core.routing.model import AgentProfile, AgentState, ContactId, ContactState
from relais.core.routing.split import SplitShareStatus
from relais.core.routing.state import AgentRuntime, ContactRuntime, QueueRuntime

__all__ = ["QueueStatus", "ReadsMixin", "WaitEstimate"]


@dataclass(frozen=True, slots=True)
class WaitEstimate:
    """`position` 1 is next; `seconds` is None when nobody who could serve is staffed."""

    position: int
    seconds: float | None


@dataclass(frozen=True, slots=True)
class QueueStatus:
    queue_id: str
    waiting: int
    longest_wait_s: float
    waiting_by_step: tuple[int, ...]
    logged_in_by_step: tuple[int, ...]
    open_by_step: tuple[bool, ...]
    agents_by_state: dict[AgentState, int]
    handle_s: float  # the running average of handling + wrap-up time used for estimates


def _waiting_contacts(queue: QueueRuntime) -> list[ContactRuntime]:
    found: dict[int, ContactRuntime] = {}
    for step, heap in enumerate(queue.waiting):
        for _, _, seq, token, contact in heap:
            if contact.token == token and contact.step == step:
                found[seq] = contact
    return list(found.values())


class ReadsMixin:
    _queues: dict[str, QueueRuntime]
    _contacts: dict[ContactId, ContactRuntime]
    _agents: dict[str, AgentRuntime]
    _now: Callable[[], float]

    def contact_state(self, contact_id: ContactId) -> ContactState | None:
        """None once the contact has left the engine (served, abandoned, dropped...)."""
        contact = self._contacts.get(contact_id)
        return None if contact is None else contact.state

    def contact_agent(self, contact_id: ContactId) -> str | None:
        contact = self._contacts.get(contact_id)
        return None if contact is None or contact.agent is None else contact.agent.agent_id

    def contact_step(self, contact_id: ContactId) -> int | None:
        contact = self._contacts.get(contact_id)
        return None if contact is None else contact.step

    def agent_state(self, agent_id: str) -> AgentState:
        agent = self._agents.get(agent_id)
        if agent is None:
            raise RoutingError(RoutingErrorCode.UNKNOWN_AGENT, f"no agent {agent_id}")
        return agent.state

    def agent_profile(self, agent_id: str) -> AgentProfile:
        agent = self._agents.get(agent_id)
        if agent is None:
            raise RoutingError(RoutingErrorCode.UNKNOWN_AGENT, f"no agent {agent_id}")
        return agent.profile

    def agent_reachable_now(self, agent_id: str) -> bool:
        """Whether the engine counts a connection of the agent's alive (see `agent_reachable`)."""
        agent = self._agents.get(agent_id)
        if agent is None:
            raise RoutingError(RoutingErrorCode.UNKNOWN_AGENT, f"no agent {agent_id}")
        return agent.reachable

    def agent_ids(self) -> list[str]:
        return list(self._agents)

    def agent_load(self, agent_id: str) -> tuple[int, ...]:
        """Contacts held per channel (offered, connected or in wrap-up)."""
        agent = self._agents.get(agent_id)
        if agent is None:
            raise RoutingError(RoutingErrorCode.UNKNOWN_AGENT, f"no agent {agent_id}")
        return tuple(agent.load)

    def estimate_wait(self, contact_id: ContactId) -> WaitEstimate:
        """Position in the line and estimated wait: position × handle time / staffed capacity.

        Staffed capacity counts the logged-in, not-on-break agents of the steps open to
        the contact now, each for its capacity on the queue's channel.
        """
        contact = self._contacts.get(contact_id)
        if contact is None or contact.state is not ContactState.WAITING:
            raise RoutingError(RoutingErrorCode.UNKNOWN_CONTACT, f"{contact_id} is not waiting")
        queue = contact.queue
        mine = (-contact.priority, contact.place, contact.seq)
        position = 1 + sum(
            1
            for other in _waiting_contacts(queue)
            if (-other.priority, other.place, other.seq) < mine
        )
        return WaitEstimate(position, self._seconds_for(queue, position, contact.step))

    def estimate_new_contact_wait(self, queue_id: str) -> WaitEstimate:
        """What a contact arriving now would be told (priority of the queue, step 0)."""
        queue = self._queues.get(queue_id)
        if queue is None:
            raise RoutingError(RoutingErrorCode.UNKNOWN_QUEUE, f"no queue {queue_id}")
        position = 1 + sum(1 for c in _waiting_contacts(queue) if c.priority >= queue.priority)
        return WaitEstimate(position, self._seconds_for(queue, position, queue.last_step))

    def _seconds_for(self, queue: QueueRuntime, position: int, step: int) -> float | None:
        open_rings = {ring.index for ring in queue.rings[: step + 1] if ring.open}
        capacity = 0
        for agent in queue.members.values():
            if not agent.logged_in or agent.break_reason is not None:
                continue
            membership = agent.by_queue[queue.queue_id]
            if any(ring.index in open_rings for ring in membership.rings):
                capacity += agent.capacity[queue.channel]
        if capacity == 0:
            return None
        return position * queue.handle_s / capacity

    def queue_status(self, queue_id: str) -> QueueStatus:
        queue = self._queues.get(queue_id)
        if queue is None:
            raise RoutingError(RoutingErrorCode.UNKNOWN_QUEUE, f"no queue {queue_id}")
        waiting = _waiting_contacts(queue)
        by_step = [0] * (queue.last_step + 1)
        for contact in waiting:
            by_step[contact.step] += 1
        oldest = min((contact.queued_at for contact in waiting), default=None)
        agents_by_state = dict.fromkeys(AgentState, 0)
        for agent in queue.members.values():
            agents_by_state[agent.state] += 1
        return QueueStatus(
            queue_id=queue_id,
            waiting=len(waiting),
            longest_wait_s=0.0 if oldest is None else self._now() - oldest,
            waiting_by_step=tuple(by_step),
            logged_in_by_step=tuple(ring.logged_in for ring in queue.rings),
            open_by_step=tuple(ring.open for ring in queue.rings),
            agents_by_state=agents_by_state,
            handle_s=queue.handle_s,
        )

    def split_status(self, queue_id: str) -> tuple[SplitShareStatus, ...] | None:
        """Target and actual share of each group of the queue's split over its current
        window (its last offers), or None when the queue has no split."""
        queue = self._queues.get(queue_id)
        if queue is None:
            raise RoutingError(RoutingErrorCode.UNKNOWN_QUEUE, f"no queue {queue_id}")
        split = queue.config.split
        if split is None or queue.split is None:
            return None
        return queue.split.status([share.label for share in split.shares])
