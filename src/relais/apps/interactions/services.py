"""Requests about contacts and agents' presence, from people and channel integrations.

Each one checks the record (the database), changes it in one transaction, appends a
request to the event log and audits it; the router applies the request to its engine
(docs/router.md). An invalid request raises `RelaisError` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from relais.apps import rows
from relais.apps.accounts.models import User
from relais.apps.accounts.permissions import require_administrator
from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError
from relais.apps.interactions.errors import ErrorCode
from relais.apps.interactions.frames import ContactHolderChanged
from relais.apps.interactions.identity import customer_key
from relais.apps.interactions.log import event_append
from relais.apps.interactions.models import (
    AgentPresence,
    BreakReason,
    CloseReason,
    Contact,
    ContactState,
    Direction,
    EventKind,
    PresenceState,
)
from relais.apps.interactions.selectors import (
    contact_group,
    contact_locked,
    held_state,
    may_act_for,
)
from relais.apps.organisation.models import Agent
from relais.apps.realtime.push import send_frame_on_commit
from relais.apps.routing.models import Queue

MAX_ATTRIBUTES_CHARS = 10_000


def _queue(code: str) -> Queue:
    queue = Queue.objects.filter(code=code).first()
    if queue is None:
        raise RelaisError(ErrorCode.UNKNOWN_QUEUE, value=code)
    if not queue.active:
        raise RelaisError(ErrorCode.QUEUE_INACTIVE, value=code)
    return queue


def contact_create(
    *,
    actor: User | None,
    queue_code: str = "",
    queue: Queue | None = None,
    channel: str | None = None,
    direction: str = Direction.INBOUND,
    customer_reference: str = "",
    customer_id: str = "",
    priority: int | None = None,
    attributes: dict[str, Any] | None = None,
    scheduled_for: dt.datetime | None = None,
) -> Contact:
    """A new contact for a queue; the router queues or offers it (or refuses: closed).
    With `scheduled_for` (a callback at a chosen time), it is routed from then on
    (`contacts_due`). `customer_id`, the brand's id for a customer its site vouched for,
    identifies them before what they gave (`customer_reference`): `Contact.customer_key`.

    Channel adapters call it with no actor (and may pass the `queue` they read, inside
    their own transaction); through the API, integrations do it with an administrator's
    token."""
    if actor is not None:
        require_administrator(actor)
    given = queue
    if queue is None:
        queue = _queue(queue_code)
    elif not queue.active:
        raise RelaisError(ErrorCode.QUEUE_INACTIVE, value=queue.code)
    if channel is not None and channel != queue.channel:
        raise RelaisError(
            ErrorCode.CHANNEL_MISMATCH, queue=queue.code, expected=queue.channel, given=channel
        )
    attributes = attributes or {}
    if len(json.dumps(attributes, default=str)) > MAX_ATTRIBUTES_CHARS:
        raise RelaisError(ErrorCode.ATTRIBUTES_TOO_LARGE)
    now = timezone.now()
    later = scheduled_for is not None and scheduled_for > now
    with transaction.atomic(savepoint=given is None):
        contact = rows.insert(
            Contact,
            channel=queue.channel,
            direction=direction,
            queue=queue,
            customer_reference=customer_reference,
            customer_key=customer_key(customer_reference, brand_id=customer_id),
            priority=queue.priority if priority is None else priority,
            attributes=attributes,
            state=ContactState.SCHEDULED if later else ContactState.CREATED,
            scheduled_for=scheduled_for,
            created_at=now,
        )
        event_append(
            kind=EventKind.CONTACT_SCHEDULED if later else EventKind.CONTACT_CREATED,
            at=now,
            contact_id=contact.pk,
            queue_id=queue.pk,
            actor=actor,
            data={"for": scheduled_for.isoformat()} if later and scheduled_for else None,
        )
        if actor is not None:
            audit_record(actor=actor, action="contact.create", obj=contact)
    return contact


def contacts_due(now: dt.datetime | None = None) -> int:
    """Scheduled contacts whose time has come are created for the router now (a duty of the
    active router, every few seconds); returns how many."""
    now = now or timezone.now()
    due = 0
    with transaction.atomic():
        for contact in (
            Contact.objects.select_for_update(skip_locked=True)
            .filter(state=ContactState.SCHEDULED, scheduled_for__lte=now)
            .order_by("scheduled_for", "id")[:500]
        ):
            contact.state = ContactState.CREATED
            rows.save(contact, ["state"])
            event_append(
                kind=EventKind.CONTACT_CREATED,
                at=now,
                contact_id=contact.pk,
                queue_id=contact.queue_id,
            )
            due += 1
    return due


#: What was refused, in words for the error message ("it cannot be accepted").
_ACTIONS = {
    "abandoned": pgettext_lazy("contact action", "abandoned"),
    "accepted": pgettext_lazy("contact action", "accepted"),
    "rejected": pgettext_lazy("contact action", "rejected"),
    "completed": pgettext_lazy("contact action", "completed"),
    "transferred": pgettext_lazy("contact action", "transferred"),
}


def _refuse(contact: Contact, action: str) -> RelaisError:
    return RelaisError(
        ErrorCode.INVALID_TRANSITION,
        state=contact.get_state_display(),
        action=str(_ACTIONS[action]),
    )


def contact_abandon(
    *, actor: User | None, contact: Contact, locked: bool = False, reason: str = ""
) -> Contact:
    """The customer left while waiting or being offered (`locked`: the caller holds the
    contact's row, read with its queue; `reason`: a `CloseReason`, e.g. `customer_left`
    when their connection was gone for longer than the grace)."""
    if actor is not None:
        require_administrator(actor)
    with transaction.atomic(savepoint=not locked):
        contact = contact if locked else contact_locked(contact.pk)
        if contact.state not in (ContactState.CREATED, ContactState.QUEUED, ContactState.OFFERED):
            raise _refuse(contact, "abandoned")
        now = timezone.now()
        agent_id = contact.agent_id
        _clear_agent(contact)
        contact.state = ContactState.ABANDONED
        contact.abandoned_at = now
        contact.close_reason = reason
        contact.save(update_fields=[*_AGENT_FIELDS, "state", "abandoned_at", "close_reason"])
        event_append(
            kind=EventKind.CONTACT_ABANDONED,
            at=now,
            contact_id=contact.pk,
            queue_id=contact.queue_id,
            agent_id=agent_id,
            actor=actor,
            data={"reason": reason} if reason else None,
        )
        if actor is not None:
            audit_record(actor=actor, action="contact.abandon", obj=contact)
    return contact


_AGENT_FIELDS = ("agent", "site", "partner", "offer_expires_at")


def _clear_agent(contact: Contact) -> None:
    contact.agent = None
    contact.site = None
    contact.partner = None
    contact.offer_expires_at = None


def _holder_changed(contact: Contact) -> None:
    """After commit, tell whoever follows the contact that it changed hands (a supervisor
    coaching it checks whether it is still in their scope)."""
    frame = ContactHolderChanged(
        contact_id=contact.pk, agent_id=contact.agent_id, state=contact.state
    )
    send_frame_on_commit(contact_group(contact.pk), frame, handler="contact.holder_changed")


def _held_by(
    actor: User, contact: Contact, state: ContactState, action: str, agent: Agent | None = None
) -> Agent:
    """The actor's agent (read unless given), who must hold `contact` in `state`."""
    if agent is None or agent.user_id != actor.pk:
        agent = Agent.objects.filter(user=actor).first()
    if agent is None or contact.agent_id != agent.pk:
        raise RelaisError(ErrorCode.NOT_YOUR_OFFER)
    if contact.state != state:
        raise _refuse(contact, action)
    return agent


def _agent_acted(
    *,
    kind: EventKind,
    action: str,
    contact: Contact,
    agent: Agent,
    actor: User,
    at: dt.datetime,
    data: dict[str, Any] | None = None,
) -> None:
    """What the agent holding `contact` did: a request in the log for the router, audited."""
    event_append(
        kind=kind,
        at=at,
        contact_id=contact.pk,
        queue_id=contact.queue_id,
        agent_id=agent.pk,
        actor=actor,
        data=data,
    )
    audit_record(actor=actor, action=action, obj=contact, changes=data)


def offer_accept(
    *, actor: User, contact: Contact, agent: Agent | None = None, locked: bool = False
) -> Contact:
    """`agent`: the actor's, if the caller read it; `locked`: the caller holds the
    contact's row (read with its queue)."""
    with transaction.atomic(savepoint=not locked):
        contact = contact if locked else contact_locked(contact.pk)
        agent = _held_by(actor, contact, ContactState.OFFERED, "accepted", agent)
        now = timezone.now()
        if contact.offer_expires_at is not None and contact.offer_expires_at <= now:
            raise RelaisError(ErrorCode.OFFER_EXPIRED)
        contact.state = ContactState.ACCEPTED
        contact.accepted_at = now
        contact.offer_expires_at = None
        rows.save(contact, ["state", "accepted_at", "offer_expires_at"])
        rows.update(AgentPresence, {"agent_id": agent.pk}, missed_offers=0)
        if contact.transferred_at is not None:  # a new holder after a transfer
            _holder_changed(contact)
        _agent_acted(
            kind=EventKind.OFFER_ACCEPTED,
            action="contact.accept",
            contact=contact,
            agent=agent,
            actor=actor,
            at=now,
        )
    return contact


def offer_reject(*, actor: User, contact: Contact) -> Contact:
    """Back to its place in the line, never to be offered to this agent again."""
    with transaction.atomic():
        contact = contact_locked(contact.pk)
        agent = _held_by(actor, contact, ContactState.OFFERED, "rejected")
        now = timezone.now()
        _clear_agent(contact)
        contact.state = ContactState.QUEUED
        contact.declined_by = sorted({*contact.declined_by, agent.pk})
        contact.save()
        _agent_acted(
            kind=EventKind.OFFER_REJECTED,
            action="contact.reject",
            contact=contact,
            agent=agent,
            actor=actor,
            at=now,
        )
    return contact


def contact_complete(
    *, actor: User, contact: Contact, agent: Agent | None = None, locked: bool = False
) -> Contact:
    """Handling ended: wrap-up for the queue's wrap-up time, or closed at once.
    (`agent`, `locked`: as for `offer_accept`.)"""
    with transaction.atomic(savepoint=not locked):
        contact = contact if locked else contact_locked(contact.pk)
        agent = _held_by(actor, contact, ContactState.ACCEPTED, "completed", agent)
        now = timezone.now()
        wrap_up = contact.queue.wrap_up_seconds
        if wrap_up:
            contact.state = ContactState.WRAP_UP
            contact.wrap_up_at = now
            contact.wrap_up_until = now + dt.timedelta(seconds=wrap_up)
        else:
            contact.state = ContactState.CLOSED
            contact.closed_at = now
            contact.close_reason = CloseReason.HANDLED
        rows.save(contact, ["state", "wrap_up_at", "wrap_up_until", "closed_at", "close_reason"])
        _agent_acted(
            kind=EventKind.CONTACT_COMPLETED,
            action="contact.complete",
            contact=contact,
            agent=agent,
            actor=actor,
            at=now,
        )
    return contact


def contact_transfer(
    *, actor: User, contact: Contact, queue_code: str | None = None, agent_id: int | None = None
) -> Contact:
    """To another queue (at the back of its line) or to one agent (a direct offer; if that
    agent cannot take it, the router puts it back in its queue)."""
    if (queue_code is None) == (agent_id is None):
        raise RelaisError(ErrorCode.TRANSFER_TARGET)
    target_queue = _queue(queue_code) if queue_code is not None else None
    target_agent = None
    if agent_id is not None:
        target_agent = Agent.objects.filter(pk=agent_id, active=True).first()
        if target_agent is None:
            raise RelaisError(ErrorCode.UNKNOWN_AGENT, value=agent_id)
    with transaction.atomic():
        contact = contact_locked(contact.pk)
        agent = _held_by(actor, contact, ContactState.ACCEPTED, "transferred")
        if target_queue is not None and target_queue.channel != contact.channel:
            raise RelaisError(
                ErrorCode.CHANNEL_MISMATCH,
                queue=target_queue.code,
                expected=target_queue.channel,
                given=contact.channel,
            )
        if target_agent is not None and target_agent.pk == agent.pk:
            raise RelaisError(ErrorCode.TRANSFER_TARGET)
        now = timezone.now()
        data: dict[str, Any] = {"from_queue": contact.queue.code}
        _clear_agent(contact)
        contact.state = ContactState.QUEUED
        contact.transferred_at = now
        if target_queue is not None:
            contact.queue = target_queue
            contact.priority = target_queue.priority
            contact.queued_at = now
            contact.overflow_step = 0
            contact.declined_by = []
            data["to_queue"] = target_queue.code
        else:
            data["to_agent"] = agent_id
        if target_queue is not None:
            contact.at_head = False  # the back of the new queue's line
        contact.save()
        _holder_changed(contact)
        _agent_acted(
            kind=EventKind.CONTACT_TRANSFERRED,
            action="contact.transfer",
            contact=contact,
            agent=agent,
            actor=actor,
            at=now,
            data=data,
        )
    return contact


def contact_requeue_at_head(
    *, actor: User | None, contact: Contact, agent_id: int, reason: str = ""
) -> Contact:
    """The agent handling (or being offered) `contact` was lost (a call whose agent's
    browser, phone or network disappeared): the contact goes back to the head of its
    queue at once, the agent's capacity is freed, and it is not offered to that agent
    again. Channel adapters call it with no actor (the voice service); returns the contact
    unchanged if that agent no longer holds it (the router or the customer was first)."""
    if actor is not None:
        require_administrator(actor)
    with transaction.atomic():
        contact = contact_locked(contact.pk)
        if contact.agent_id != agent_id or contact.state not in (
            ContactState.OFFERED,
            ContactState.ACCEPTED,
        ):
            return contact
        now = timezone.now()
        _clear_agent(contact)
        contact.state = ContactState.QUEUED
        contact.at_head = True
        contact.declined_by = sorted({*contact.declined_by, agent_id})
        contact.save(update_fields=[*_AGENT_FIELDS, "state", "at_head", "declined_by"])
        _holder_changed(contact)
        event_append(
            kind=EventKind.CONTACT_REQUEUED,
            at=now,
            contact_id=contact.pk,
            queue_id=contact.queue_id,
            agent_id=agent_id,
            actor=actor,
            data={"reason": reason} if reason else None,
        )
        if actor is not None:
            audit_record(actor=actor, action="contact.requeue", obj=contact)
    return contact


# Presence ----------------------------------------------------------------------------------


def _presence(actor: User, agent: Agent) -> AgentPresence:
    if not may_act_for(actor, agent):
        raise RelaisError(ErrorCode.NOT_AN_AGENT)
    now = timezone.now()
    AgentPresence.objects.get_or_create(agent=agent, defaults={"since": now, "idle_since": now})
    return AgentPresence.objects.select_for_update().get(agent=agent)


def _presence_changed(
    actor: User, presence: AgentPresence, kind: EventKind, data: dict[str, Any]
) -> None:
    presence.save()
    event_append(kind=kind, at=presence.since, agent_id=presence.agent_id, actor=actor, data=data)
    audit_record(
        actor=actor,
        action=kind.value.replace("agent.", "agent_presence."),
        obj=presence,
        changes={"state": [None, presence.state], **data},
    )


def agent_login(*, actor: User, agent: Agent, break_reason: str | None = None) -> AgentPresence:
    if not agent.active:
        raise RelaisError(ErrorCode.AGENT_INACTIVE)
    with transaction.atomic():
        presence = _presence(actor, agent)
        if presence.logged_in:
            raise RelaisError(ErrorCode.ALREADY_LOGGED_IN)
        now = timezone.now()
        presence.state = PresenceState.BREAK if break_reason else PresenceState.AVAILABLE
        presence.break_reason = break_reason or ""
        presence.since = presence.idle_since = now
        presence.missed_offers = 0
        _presence_changed(
            actor, presence, EventKind.AGENT_LOGGED_IN, {"break_reason": break_reason}
        )
    return presence


def agent_logout(*, actor: User, agent: Agent) -> AgentPresence:
    """Offers and contacts in hand go back to their queue (the router re-queues them)."""
    with transaction.atomic():
        presence = _presence(actor, agent)
        if not presence.logged_in:
            raise RelaisError(ErrorCode.NOT_LOGGED_IN)
        presence.state = PresenceState.OFFLINE
        presence.break_reason = ""
        presence.since = timezone.now()
        _presence_changed(actor, presence, EventKind.AGENT_LOGGED_OUT, {})
    return presence


def agent_break_start(*, actor: User, agent: Agent, reason: str) -> AgentPresence:
    """No new offers; contacts in hand and pending offers carry on."""
    if reason not in BreakReason.values:
        raise RelaisError(ErrorCode.UNKNOWN_BREAK_REASON, value=reason)
    with transaction.atomic():
        presence = _presence(actor, agent)
        if not presence.logged_in:
            raise RelaisError(ErrorCode.NOT_LOGGED_IN)
        presence.state = PresenceState.BREAK
        presence.break_reason = reason
        presence.since = timezone.now()
        _presence_changed(actor, presence, EventKind.AGENT_BREAK_STARTED, {"reason": reason})
    return presence


def agent_break_end(*, actor: User, agent: Agent) -> AgentPresence:
    with transaction.atomic():
        presence = _presence(actor, agent)
        if presence.state != PresenceState.BREAK:
            raise RelaisError(ErrorCode.NOT_ON_BREAK)
        now = timezone.now()
        presence.state = held_state(agent.pk)
        presence.break_reason = ""
        presence.since = presence.idle_since = now
        presence.missed_offers = 0
        _presence_changed(actor, presence, EventKind.AGENT_BREAK_ENDED, {})
    return presence
