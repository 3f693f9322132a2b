"""The control API: what the voice service (the B2BUA) calls, synchronously, from its
database thread (docs/voice.md, "The control API").

Each call is one transaction through the interactions services, so a call is a contact like
a chat: same states, same events, same KPIs. The customer's and the system's writes have no
actor (as the chat channel's: the event log records them, and the customer is nobody's
account); what the agent does on the phone (answer, decline, hang up) acts as the agent's
user, audited like the same action in the desktop. A refused request raises `RelaisError`
and changes nothing: the voice service answers SIP accordingly (`ErrorCode.sip_status` for
the voice codes; a refused answer: BYE to the agent's leg).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from relais.apps import rows
from relais.apps.deskstream.events import (
    ChatOpenedEvent,
    completed_append,
    desk_event_append,
    offer_key,
)
from relais.apps.errors import RelaisError
from relais.apps.interactions import services as interactions
from relais.apps.interactions.log import event_append
from relais.apps.interactions.models import Contact, ContactState, EventKind
from relais.apps.interactions.selectors import contact_locked
from relais.apps.interactions.waiting import WaitEstimate, contact_wait_estimate
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Channel
from relais.apps.routing.selectors import queue_open
from relais.apps.voice import queries, selectors
from relais.apps.voice.consult import call_consult_complete, call_consult_step
from relais.apps.voice.consult_queue import consult_release
from relais.apps.voice.errors import ErrorCode
from relais.apps.voice.keypad import KeypadSurvey, survey_desk
from relais.apps.voice.models import Call, CallState, HungUpBy
from relais.apps.voice.selectors import EstablishedCall
from relais.apps.voice.stack.credentials import agent_of_sip_user

S = ContactState
WAITING = (S.CREATED, S.QUEUED, S.OFFERED)
#: `call_event` kinds: `call.<kind>` in the contact's event log (ringing, answered, declined,
#: agent lost and ended have their own functions, which change the contact too).
DETAIL_KINDS = frozenset({"hold", "resume", "dtmf", "transfer", "media_lost"})
MAX_DETAIL_CHARS = 2_000


@dataclass(frozen=True)
class CallTicket:
    """A call queued: its contact, the queue whose music and prompts it hears, the prompts'
    language, and the caller leg's SIP Call-ID it was recorded under."""

    contact_id: int
    queue_code: str
    language: str
    call_id: str


def call_arrived(
    *, number: str, caller: str, call_id: str, arrived_at: dt.datetime | None = None
) -> CallTicket:
    """A new voice contact in the number's queue; the call is dated when its INVITE
    arrived (`arrived_at`, the voice service's clock: its worker may be busy). The same
    Call-ID again (an INVITE retransmitted, or the standby asking after a failover) returns
    the same ticket.
    Refused: `unknown_number` (404), `queue_closed` (480: the closed prompt),
    `not_voice_queue` (a number whose queue changed channel since)."""
    dialled, existing = queries.number_and_call(selectors.e164(number), call_id)
    if dialled is None:
        raise RelaisError(ErrorCode.UNKNOWN_NUMBER, value=number)
    queue = dialled.queue
    if existing is not None:
        if existing.number_id != dialled.pk:
            raise RelaisError(ErrorCode.DUPLICATE_CALL, value=call_id)
        code = Contact.objects.values_list("queue__code", flat=True).get(pk=existing.contact_id)
        return CallTicket(existing.contact_id, code, dialled.language, call_id)
    if queue.channel != Channel.VOICE:
        raise RelaisError(ErrorCode.NOT_VOICE_QUEUE, value=queue.code)
    if not queue_open(queue):
        raise RelaisError(ErrorCode.QUEUE_CLOSED, value=queue.code)
    caller = caller.strip()[:64]
    with transaction.atomic(durable=True):
        contact = interactions.contact_create(
            actor=None,
            queue=queue,
            channel=Channel.VOICE,
            customer_reference=caller,
            attributes={
                "caller": caller,
                "dialled": dialled.number,
                "language": dialled.language,
                "source": "voice",
            },
        )
        rows.insert(
            Call,
            contact=contact,
            caller=caller,
            number=dialled,
            sip_call_id=call_id,
            state=CallState.QUEUED,
            created_at=min(arrived_at or contact.created_at, contact.created_at),
        )
    return CallTicket(contact.pk, queue.code, dialled.language, call_id)


def _agent(agent_id: int) -> Agent:
    agent = queries.agent_with_user(agent_id)
    if agent is None:
        raise RelaisError(ErrorCode.UNKNOWN_AGENT, value=agent_id)
    return agent


def _detail(
    contact: Contact,
    kind: EventKind,
    *,
    agent_id: int | None = None,
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> None:
    event_append(
        kind=kind,
        at=at or timezone.now(),
        contact_id=contact.pk,
        queue_id=contact.queue_id,
        agent_id=agent_id,
        data=data,
    )


def _call_state(contact_id: int, state: CallState, **fields: Any) -> None:
    queries.call_state_set(contact_id, state, **fields)


def call_ringing(*, contact_id: int, agent_id: int, at: dt.datetime | None = None) -> None:
    """The agent's phone rings (180 from the agent's leg, `at` when it came)."""
    with transaction.atomic(durable=True):
        contact = contact_locked(contact_id)
        _call_state(contact_id, CallState.RINGING)
        _detail(contact, EventKind.CALL_RINGING, agent_id=agent_id, at=at)


def call_answered(*, contact_id: int, agent_id: int) -> Contact:
    """The agent picked up (200 from the agent's leg): the offer is accepted as the agent.
    Refused (the offer expired or went to someone else meanwhile): `RelaisError`, and the
    voice service hangs up the agent's leg. Answered twice by the same agent: unchanged."""
    agent = _agent(agent_id)
    with transaction.atomic(durable=True):
        contact = contact_locked(contact_id)
        if contact.state == S.ACCEPTED and contact.agent_id == agent.pk:
            return contact
        if contact.state == S.OFFERED and contact.agent_id == agent.pk:
            desk_event_append(  # the desktop opens the call, as its own accept opens a chat
                agent_id=agent.pk,
                event=ChatOpenedEvent(chat=selectors.call_view(contact, agent.pk)),
                contact_id=contact.pk,
                key=f"open:{offer_key(contact)}",
                contact_locked=True,
            )
        contact = interactions.offer_accept(
            actor=agent.user, contact=contact, agent=agent, locked=True
        )
        _call_state(contact_id, CallState.ANSWERED, answered_at=contact.accepted_at)
        _detail(contact, EventKind.CALL_ANSWERED, agent_id=agent.pk)
    return contact


def call_declined(*, contact_id: int, agent_id: int, sip_status: int) -> Contact:
    """The agent's phone refused the call (busy, declined, unreachable: `sip_status`): the
    offer is rejected as the agent, and the call goes back to its place in the line, never
    to be offered to this agent again. Nothing changes if the offer no longer stood."""
    agent = _agent(agent_id)
    with transaction.atomic(durable=True):
        contact = contact_locked(contact_id)
        _detail(contact, EventKind.CALL_DECLINED, agent_id=agent.pk, data={"sip": sip_status})
        if contact.state != S.OFFERED or contact.agent_id != agent.pk:
            return contact
        contact = interactions.offer_reject(actor=agent.user, contact=contact)
        _call_state(contact_id, CallState.QUEUED)
    return contact


def call_agent_lost(*, contact_id: int, agent_id: int, reason: str) -> Contact:
    """The agent's leg died (browser closed, network gone, no media: `reason`). Answered:
    the call goes back to the HEAD of its queue at once, the agent's capacity freed (the
    caller hears music again). Still ringing: back to its place in the line. In both cases
    it is not offered to that agent again."""
    agent = _agent(agent_id)
    with transaction.atomic(durable=True):
        contact = contact_locked(contact_id)
        _detail(contact, EventKind.CALL_AGENT_LOST, agent_id=agent.pk, data={"reason": reason})
        if contact.agent_id != agent.pk:
            return contact
        if contact.state == S.OFFERED:
            contact = interactions.offer_reject(actor=agent.user, contact=contact)
        elif contact.state == S.ACCEPTED:
            contact = interactions.contact_requeue_at_head(
                actor=None, contact=contact, agent_id=agent.pk, reason=reason
            )
        else:
            return contact
        _call_state(contact_id, CallState.QUEUED)
    return contact


def call_ended(*, contact_id: int, by: str) -> Contact:
    """The call is over (`by`: caller, agent or system). Still waiting or ringing: the
    contact is abandoned (`system`: the caller's line was gone, `customer_left`); answered:
    handling is complete and the agent's wrap-up starts. Ended already: unchanged."""
    if by not in HungUpBy.values:
        raise RelaisError(ErrorCode.BAD_HUNG_UP_BY, value=by)
    with transaction.atomic(durable=True):
        contact = contact_locked(contact_id)
        now = timezone.now()
        if not queries.call_state_set(contact_id, CallState.ENDED, ended_at=now, ended_by=by):
            selectors.call_of(contact_id)  # none: `unknown_call`; ended already: unchanged
            return contact
        _detail(contact, EventKind.CALL_ENDED, agent_id=contact.agent_id, data={"by": by})
        consult_release(contact_id=contact_id)  # a consultation the voice service lost
        if contact.state in WAITING:
            reason = "customer_left" if by == HungUpBy.SYSTEM else ""
            contact = interactions.contact_abandon(
                actor=None, contact=contact, locked=True, reason=reason
            )
        elif contact.state == S.ACCEPTED and contact.agent_id is not None:
            agent = _agent(contact.agent_id)
            completed_append(agent.pk, contact, locked=True)  # the desktop's wrap-up
            contact = interactions.contact_complete(
                actor=agent.user, contact=contact, agent=agent, locked=True
            )
    return contact


def call_refer(*, contact_id: int, agent_id: int, target: str) -> Contact:
    """The agent's desk phone transferred the call (a REFER: its transfer key) to `target`,
    the user part of the Refer-To: a number of a voice queue (that queue, at the back of its
    line) or `agent-<id>` (that agent), as the desktop's transfer does (the same service,
    audited as the agent). Refused (an unknown target, the agent themself): `RelaisError`,
    nothing changed (the voice service then puts the caller back at the head of the line)."""
    agent = _agent(agent_id)
    queue_code, to_agent = None, agent_of_sip_user(target)
    if to_agent is None:
        try:
            number = selectors.number_for(target)
        except RelaisError as unknown:
            raise RelaisError(ErrorCode.UNKNOWN_TRANSFER_TARGET, value=target[:80]) from unknown
        queue_code = number.queue.code
    with transaction.atomic(durable=True):
        contact = contact_locked(contact_id)
        return interactions.contact_transfer(
            actor=agent.user, contact=contact, queue_code=queue_code, agent_id=to_agent
        )


def call_consult_handover(*, contact_id: int, agent_id: int, reason: str) -> Contact:
    """The agent vanished (`reason`: `agent_lost`, `agent_hung_up`) while the colleague they
    consulted was on the line: the call is handed over to the colleague as if the agent had
    completed the transfer (`consult.call_consult_complete`, audited as the agent). Refused
    (the colleague had not answered, the contact left the agent already): `RelaisError`."""
    return call_consult_complete(agent=_agent(agent_id), contact_id=contact_id, reason=reason)


def call_agent_hung_up(*, contact_id: int) -> KeypadSurvey | None:
    """The agent hung up an answered call: it ends (`call_ended`, by the agent: the wrap-up
    starts) and the caller, still on the line, is asked the queue's keypad survey when its
    policy says so (`keypad.SurveyDesk`); None: the caller is hung up on."""
    call_ended(contact_id=contact_id, by=HungUpBy.AGENT)
    desk = survey_desk()
    return desk.survey_open(contact_id=contact_id) if desk is not None else None


def call_survey_answer(*, invitation_id: int, answers: dict[str, int | bool]) -> None:
    """The keys the caller pressed, once the survey is over (those asked and answered)."""
    desk = survey_desk()
    if desk is not None and answers:
        desk.survey_record(invitation_id=invitation_id, answers=answers)


def call_event(*, contact_id: int, kind: str, **detail: Any) -> None:
    """Call detail in the contact's event log: `call.<kind>` (hold, resume, dtmf, transfer,
    media_lost…) with `detail`. Keypad digits are not kept, only how many were pressed (a
    caller may type a card number)."""
    if kind not in DETAIL_KINDS:
        raise RelaisError(ErrorCode.UNKNOWN_CALL_EVENT, value=kind)
    if "digits" in detail:
        detail["count"] = len(str(detail.pop("digits")))
    agent_id = detail.pop("agent_id", None)
    encoded = json.dumps(detail, default=str)
    data = json.loads(encoded) if len(encoded) <= MAX_DETAIL_CHARS else {"too_large": True}
    with transaction.atomic(durable=True):
        contact = contact_locked(contact_id)
        _detail(contact, EventKind(f"call.{kind}"), agent_id=agent_id, data=data)


def call_wait(*, contact_id: int) -> WaitEstimate | None:
    """A queued caller's place in the line and estimated wait, as the chat widget gives a
    waiting customer (`interactions.waiting`); None once the call is not waiting."""
    return contact_wait_estimate(contact_id)


def call_dialog_save(*, call_id: str, dialog: dict[str, Any]) -> None:
    """Keep the dialog data a standby needs to end the call after a failover, merged by top
    key: `caller` and `agent` (call_id, local_tag, remote_tag, cseq, remote_target,
    route_set) and `rtpengine` (call_id, from_tag, to_tag). An agent leg set to None is
    removed (the call went back to its queue)."""
    if not queries.dialog_merge(call_id, dialog):  # one statement: no transaction to open
        raise RelaisError(ErrorCode.UNKNOWN_CALL, value=call_id)


def calls_established() -> list[EstablishedCall]:
    """Every call not ended, with its dialog data: what a standby voice service takes over."""
    return selectors.calls_established()


__all__ = [
    "CallTicket",
    "EstablishedCall",
    "KeypadSurvey",
    "call_agent_hung_up",
    "call_agent_lost",
    "call_answered",
    "call_arrived",
    "call_consult_handover",
    "call_consult_step",
    "call_declined",
    "call_dialog_save",
    "call_ended",
    "call_event",
    "call_refer",
    "call_ringing",
    "call_survey_answer",
    "calls_established",
]
