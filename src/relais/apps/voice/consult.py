"""Attended (consultative) transfer, the record's side (docs/voice.md, "Consulting a colleague").

An agent talking on a call consults a colleague: the caller hears music while the agent talks
to the colleague, then either hands the call over ("complete": the same `contact_transfer` as
the desktop's blind transfer, audited as the agent) or goes back to the caller. Every step is
call detail in the contact's log, `call.consult` with a `step`:

- `started` (the agent asked; `to_agent`, and `to_queue` when the agent consulted a queue
  and the routing engine picked the colleague, `consult_queue.py`): the voice service rings
  the colleague;
- `answered` (the voice service: the colleague picked up, agent and colleague talk);
- `ended` (`reason`: `back_to_caller` asked by the agent; `declined`, `no_answer`,
  `colleague_hung_up`, `caller_hung_up`, `agent_hung_up`, `agent_lost`, `failed`,
  `call_closed` from the voice service): the caller is back with the agent, or gone;
- `completed` (`reason` empty when the agent asked, `agent_lost` / `agent_hung_up` when the
  voice service handed the call over because the agent vanished after the colleague answered).

The consultation's state is the contact's last `call.consult` row (`consult_of`): a call has
at most one at a time; every step repeats `to_agent` and `to_queue`. The agent's desktop
hears of each step (`CallConsultEvent`). A colleague picked from a queue is reserved until
the consultation ends or completes (`consult_queue.consult_release`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from relais.apps.audit.services import audit_record
from relais.apps.deskstream.events import CallConsultEvent, ContactClosedEvent, desk_event_append
from relais.apps.errors import RelaisError
from relais.apps.interactions import services as interactions
from relais.apps.interactions.log import event_append
from relais.apps.interactions.models import Contact, ContactEvent, ContactState, EventKind
from relais.apps.interactions.selectors import contact_locked
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Channel, Queue
from relais.apps.voice.consult_queue import consult_agent_reserve, consult_release
from relais.apps.voice.errors import ErrorCode
from relais.apps.voice.models import Call, CallState

ACTIVE_STEPS = frozenset({"started", "answered"})
#: Why the voice service ended a consultation (the agent's own end is `back_to_caller`).
END_REASONS = frozenset(
    {
        "back_to_caller",
        "declined",
        "no_answer",
        "colleague_hung_up",
        "caller_hung_up",
        "agent_hung_up",
        "agent_lost",
        "failed",
        "call_closed",
    }
)


@dataclass(frozen=True)
class Consultation:
    """The call's consultation as the record has it: the agent, the colleague, the step, and
    the queue the colleague was picked from (blank: consulted by name)."""

    agent_id: int
    to_agent: int
    step: str
    to_queue: str = ""

    @property
    def active(self) -> bool:
        return self.step in ACTIVE_STEPS


def consult_of(contact_id: int) -> Consultation | None:
    """The contact's last consultation (active or not), from its event log."""
    row = (
        ContactEvent.objects.filter(contact_id=contact_id, kind=EventKind.CALL_CONSULT)
        .order_by("-id")
        .values_list("agent_id", "data")
        .first()
    )
    if row is None or row[0] is None:
        return None
    data = row[1] or {}
    return Consultation(
        int(row[0]),
        int(data.get("to_agent") or 0),
        str(data.get("step", "")),
        str(data.get("to_queue") or ""),
    )


def _name(agent: Agent) -> str:
    return agent.user.get_full_name() or agent.user.username


def _label(queue: Queue, agent: Agent) -> str:
    """The queue's name in the agent's language (their desktop shows it)."""
    with translation.override(agent.user.language or "fr"):
        return queue.label


def _step(
    contact: Contact,
    agent: Agent,
    colleague_id: int,
    step: str,
    reason: str = "",
    *,
    queue: Queue | None = None,
    to_queue: str = "",
) -> None:
    """`call.consult` in the log, and the agent's desktop told (inside the transaction).
    `queue` (or its code, `to_queue`): the queue the colleague was picked from."""
    data: dict[str, Any] = {"step": step, "to_agent": colleague_id}
    if reason:
        data["reason"] = reason
    if queue is None and to_queue:
        queue = Queue.objects.filter(code=to_queue).first()
    if queue is not None:
        data["to_queue"] = queue.code
    event_append(
        kind=EventKind.CALL_CONSULT,
        at=timezone.now(),
        contact_id=contact.pk,
        queue_id=contact.queue_id,
        agent_id=agent.pk,
        data=data,
    )
    colleague = Agent.objects.select_related("user").filter(pk=colleague_id).first()
    desk_event_append(
        agent_id=agent.pk,
        event=CallConsultEvent(
            contact_id=contact.pk,
            step=step,
            reason=reason,
            colleague=_name(colleague) if colleague is not None else "",
            queue=_label(queue, agent) if queue is not None else "",
        ),
        contact_id=contact.pk,
        contact_locked=True,
    )


def _talking(contact_id: int, agent: Agent) -> Contact:
    """The agent's answered call, locked (else `not_on_a_call`)."""
    contact = contact_locked(contact_id)
    answered = Call.objects.filter(contact_id=contact_id, state=CallState.ANSWERED).exists()
    if (
        contact.channel != Channel.VOICE
        or contact.state != ContactState.ACCEPTED
        or contact.agent_id != agent.pk
        or not answered
    ):
        raise RelaisError(ErrorCode.NOT_ON_A_CALL, value=contact_id)
    return contact


def call_consult_start(*, agent: Agent, contact_id: int, to_agent: int) -> Consultation:
    """The agent (talking on the call) consults `to_agent`: `call.consult` started; the voice
    service puts the caller on hold with music and rings the colleague. The caller's checks
    of who the colleague may be (the desktop's transfer list) come first; here: another
    active agent, and no consultation already going on. Audited as the agent."""
    colleague = Agent.objects.filter(pk=to_agent, active=True).first()
    if colleague is None or colleague.pk == agent.pk:
        raise RelaisError(ErrorCode.CONSULT_TARGET, value=to_agent)
    with transaction.atomic(durable=True):
        contact = _talking(contact_id, agent)
        current = consult_of(contact.pk)
        if current is not None and current.active:
            raise RelaisError(ErrorCode.CONSULT_IN_PROGRESS)
        _step(contact, agent, colleague.pk, "started")
        audit_record(
            actor=agent.user,
            action="call.consult_start",
            obj=contact,
            changes={"to_agent": colleague.pk},
        )
    return Consultation(agent.pk, colleague.pk, "started")


def call_consult_queue_start(*, agent: Agent, contact_id: int, queue: Queue) -> Consultation:
    """The agent (talking on the call) consults `queue`: the routing engine picks a free
    agent of the queue, who is reserved (`consult_queue.py`), and the consultation goes on
    as that colleague's (`call.consult` started with `to_queue`). The caller's checks of the
    queue (the desktop's transfer list) come first; refused `no_agent_free` when nobody of
    the queue may take it now. Audited as the agent, with the queue."""
    with transaction.atomic(durable=True):
        contact = _talking(contact_id, agent)
        current = consult_of(contact.pk)
        if current is not None and current.active:
            raise RelaisError(ErrorCode.CONSULT_IN_PROGRESS)
        colleague = consult_agent_reserve(queue=queue, contact_id=contact.pk, excluding=agent.pk)
        if colleague is None:
            # the queue itself: its label in the language the message is read in
            raise RelaisError(ErrorCode.NO_AGENT_FREE, value=queue)
        _step(contact, agent, colleague.pk, "started", queue=queue)
        audit_record(
            actor=agent.user,
            action="call.consult_start",
            obj=contact,
            changes={"to_agent": colleague.pk, "to_queue": queue.code},
        )
    return Consultation(agent.pk, colleague.pk, "started", queue.code)


def call_consult_back(*, agent: Agent, contact_id: int) -> Consultation:
    """The agent goes back to the caller: `call.consult` ended (`back_to_caller`); the voice
    service hangs up the colleague's leg and the caller hears the agent again. Audited."""
    with transaction.atomic(durable=True):
        contact = _talking(contact_id, agent)
        current = consult_of(contact.pk)
        if current is None or not current.active:
            raise RelaisError(ErrorCode.NO_CONSULT)
        _step(
            contact, agent, current.to_agent, "ended", "back_to_caller", to_queue=current.to_queue
        )
        consult_release(contact_id=contact.pk)
        audit_record(actor=agent.user, action="call.consult_end", obj=contact)
    return Consultation(agent.pk, current.to_agent, "ended", current.to_queue)


def call_consult_complete(*, agent: Agent, contact_id: int, reason: str = "") -> Contact:
    """The call is handed over to the colleague who answered: the contact is transferred to
    them with the desktop's blind transfer service (audited as the agent), `call.consult`
    completed, the agent's desktop closes the contact. The voice service then bridges the
    caller to the colleague's leg and hangs up the agent's. `reason`: the voice service
    completing it because the agent vanished (`agent_lost`, `agent_hung_up`)."""
    with transaction.atomic(durable=True):
        contact = _talking(contact_id, agent)
        current = consult_of(contact.pk)
        if current is None or not current.active:
            raise RelaisError(ErrorCode.NO_CONSULT)
        if current.step != "answered":
            raise RelaisError(ErrorCode.COLLEAGUE_NOT_ANSWERED)
        _step(contact, agent, current.to_agent, "completed", reason, to_queue=current.to_queue)
        contact = interactions.contact_transfer(
            actor=agent.user, contact=contact, agent_id=current.to_agent
        )
        # after the transfer in the log: the router offers the call to the colleague first
        consult_release(contact_id=contact.pk)
        desk_event_append(
            agent_id=agent.pk,
            event=ContactClosedEvent(contact_id=contact.pk, reason="transferred"),
            contact_id=contact.pk,
            contact_locked=True,
        )
    return contact


def call_consult_step(
    *, contact_id: int, agent_id: int, to_agent: int, step: str, reason: str = ""
) -> None:
    """What the voice service saw of the consultation: the colleague `answered`, or it
    `ended` (`reason` in `END_REASONS`). Nothing when the record's consultation with that
    colleague is over already (the agent went back, or completed it, meanwhile)."""
    if step not in ("answered", "ended") or (step == "ended" and reason not in END_REASONS):
        raise RelaisError(ErrorCode.UNKNOWN_CALL_EVENT, value=f"consult {step} {reason}")
    with transaction.atomic(durable=True):
        contact = contact_locked(contact_id)
        current = consult_of(contact.pk)
        if current is None or not current.active or current.to_agent != to_agent:
            return
        if current.agent_id != agent_id:
            return
        agent = Agent.objects.select_related("user").get(pk=agent_id)
        _step(contact, agent, to_agent, step, reason, to_queue=current.to_queue)
        if step == "ended":
            consult_release(contact_id=contact.pk)


__all__ = [
    "ACTIVE_STEPS",
    "END_REASONS",
    "Consultation",
    "call_consult_back",
    "call_consult_complete",
    "call_consult_queue_start",
    "call_consult_start",
    "call_consult_step",
    "consult_of",
]
