"""The agent's call controls that go through the record: consulting a colleague or a queue
during a call (attended transfer; docs/desktop.md, "Softphone", and docs/voice.md,
"Consulting a colleague").

The desktop checks what the agent may do (their held contact, a colleague or a queue of the
transfer list); the voice app's record (`voice.consult`) writes the steps, which the voice
service follows. The transfer that completes a consultation is the blind transfer's service."""

from __future__ import annotations

from relais.apps.accounts.models import User
from relais.apps.desktop import selectors
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import ContactState
from relais.apps.voice.consult import (
    call_consult_back,
    call_consult_complete,
    call_consult_queue_start,
    call_consult_start,
)
from relais.apps.voice.errors import ErrorCode as VoiceErrorCode


def desk_consult(
    *, actor: User, contact_id: int, agent_id: int | None = None, queue_code: str | None = None
) -> None:
    """The agent consults a colleague (`agent_id`) or a queue (`queue_code`: the routing
    engine picks a free agent of it) of their transfer list about the call in hand: the
    caller hears music, the colleague's phone rings."""
    agent = selectors.desk_agent(viewer=actor)
    contact = selectors.held_contact(
        viewer=actor, contact_id=contact_id, states=(ContactState.ACCEPTED,)
    )
    if (agent_id is None) == (queue_code is None):
        raise RelaisError(VoiceErrorCode.CONSULT_TARGET, value=agent_id or "")
    if queue_code is not None:
        queues = selectors.transfer_queues(viewer=actor, contact=contact)
        queue = next((q for q in queues if q.code == queue_code), None)
        if queue is None:
            raise RelaisError(VoiceErrorCode.CONSULT_QUEUE, value=queue_code)
        call_consult_queue_start(agent=agent, contact_id=contact.pk, queue=queue)
        return
    colleagues = selectors.transfer_colleagues(viewer=actor, contact=contact)
    if agent_id not in {colleague.pk for colleague in colleagues}:
        raise RelaisError(VoiceErrorCode.CONSULT_TARGET, value=agent_id)
    call_consult_start(agent=agent, contact_id=contact.pk, to_agent=agent_id)


def desk_consult_back(*, actor: User, contact_id: int) -> None:
    """The agent ends the consultation: the colleague's line is hung up, back to the caller."""
    agent = selectors.desk_agent(viewer=actor)
    contact = selectors.held_contact(
        viewer=actor, contact_id=contact_id, states=(ContactState.ACCEPTED,)
    )
    call_consult_back(agent=agent, contact_id=contact.pk)


def desk_consult_complete(*, actor: User, contact_id: int) -> None:
    """The agent hands the caller over to the colleague they consulted (who answered)."""
    agent = selectors.desk_agent(viewer=actor)
    contact = selectors.held_contact(
        viewer=actor, contact_id=contact_id, states=(ContactState.ACCEPTED,)
    )
    call_consult_complete(agent=agent, contact_id=contact.pk)


__all__ = ["desk_consult", "desk_consult_back", "desk_consult_complete"]
