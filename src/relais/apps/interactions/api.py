"""REST API v1 of contacts and agents' presence.

Every contact answered is masked as its reader may see it (docs/privacy.md).

Contacts are created (and abandoned) by integrations with an administrator's token;
offers are accepted, rejected, completed and transferred by the agent who holds them;
presence is changed by the agent, a supervisor of their team, or an administrator.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from relais.apps.accounts.auth import request_user
from relais.apps.audit.services import audit_access
from relais.apps.interactions import selectors, services
from relais.apps.interactions.models import PresenceState
from relais.apps.interactions.schemas import (
    ContactCreate,
    ContactRead,
    ContactTransfer,
    PresenceChange,
    PresenceRead,
)
from relais.apps.interactions.timeline import ContactEventView, contact_timeline
from relais.apps.organisation.selectors import agent_get
from relais.apps.pagination import Page

router = Router(tags=["contacts"])


@router.post("/contacts", response={201: ContactRead})
def create_contact(request: HttpRequest, payload: ContactCreate) -> Any:
    contact = services.contact_create(
        actor=request_user(request),
        queue_code=payload.queue,
        channel=payload.channel,
        direction=payload.direction,
        customer_reference=payload.customer_reference,
        priority=payload.priority,
        attributes=payload.attributes,
        customer_id=payload.customer_id,
        scheduled_for=payload.scheduled_for,
    )
    contact = selectors.contact_get(viewer=request.user, contact_id=contact.pk)
    return 201, selectors.contact_shown_to(viewer=request.user, contact=contact)


@router.get("/contacts", response=list[ContactRead])
@paginate(Page)
def list_contacts(request: HttpRequest) -> Any:
    return selectors.contacts_shown(viewer=request.user)


@router.get("/contacts/{contact_id}", response=ContactRead)
def read_contact(request: HttpRequest, contact_id: int) -> Any:
    contact = selectors.contact_get(viewer=request.user, contact_id=contact_id)
    audit_access(actor=request.user, action="contact.view", obj=contact)  # type: ignore[arg-type]
    return selectors.contact_shown_to(viewer=request.user, contact=contact)


@router.get("/contacts/{contact_id}/events", response=list[ContactEventView])
def read_contact_events(request: HttpRequest, contact_id: int) -> Any:
    """The contact's event log (its call detail included), labelled in the reader's language."""
    contact = selectors.contact_get(viewer=request.user, contact_id=contact_id)
    audit_access(actor=request.user, action="contact.view_events", obj=contact)  # type: ignore[arg-type]
    return contact_timeline(contact.pk)


@router.post("/contacts/{contact_id}/accept", response=ContactRead)
def accept_offer(request: HttpRequest, contact_id: int) -> Any:
    contact = selectors.contact_get(viewer=request.user, contact_id=contact_id)
    done = services.offer_accept(actor=request_user(request), contact=contact)
    return selectors.contact_shown_to(viewer=request.user, contact=done)


@router.post("/contacts/{contact_id}/reject", response=ContactRead)
def reject_offer(request: HttpRequest, contact_id: int) -> Any:
    contact = selectors.contact_get(viewer=request.user, contact_id=contact_id)
    done = services.offer_reject(actor=request_user(request), contact=contact)
    return selectors.contact_shown_to(viewer=request.user, contact=done)


@router.post("/contacts/{contact_id}/complete", response=ContactRead)
def complete_contact(request: HttpRequest, contact_id: int) -> Any:
    contact = selectors.contact_get(viewer=request.user, contact_id=contact_id)
    done = services.contact_complete(actor=request_user(request), contact=contact)
    return selectors.contact_shown_to(viewer=request.user, contact=done)


@router.post("/contacts/{contact_id}/transfer", response=ContactRead)
def transfer_contact(request: HttpRequest, contact_id: int, payload: ContactTransfer) -> Any:
    contact = selectors.contact_get(viewer=request.user, contact_id=contact_id)
    done = services.contact_transfer(
        actor=request_user(request),
        contact=contact,
        queue_code=payload.queue,
        agent_id=payload.agent_id,
    )
    return selectors.contact_shown_to(viewer=request.user, contact=done)


@router.post("/contacts/{contact_id}/abandon", response=ContactRead)
def abandon_contact(request: HttpRequest, contact_id: int) -> Any:
    contact = selectors.contact_get(viewer=request.user, contact_id=contact_id)
    done = services.contact_abandon(actor=request_user(request), contact=contact)
    return selectors.contact_shown_to(viewer=request.user, contact=done)


def _presence_read(agent_id: int) -> dict[str, Any]:
    presence = selectors.presence_of(agent_id=agent_id)
    if presence is None:
        return {
            "agent_id": agent_id,
            "state": PresenceState.OFFLINE,
            "break_reason": "",
            "since": None,
        }
    return {
        "agent_id": agent_id,
        "state": presence.state,
        "break_reason": presence.break_reason,
        "since": presence.since,
    }


@router.get("/agents/{agent_id}/presence", response=PresenceRead)
def read_presence(request: HttpRequest, agent_id: int) -> Any:
    agent = agent_get(viewer=request.user, agent_id=agent_id)
    return _presence_read(agent.pk)


@router.post("/agents/{agent_id}/presence", response=PresenceRead)
def change_presence(request: HttpRequest, agent_id: int, payload: PresenceChange) -> Any:
    agent = agent_get(viewer=request.user, agent_id=agent_id)
    actor = request_user(request)
    if payload.action == "login":
        services.agent_login(actor=actor, agent=agent, break_reason=payload.reason)
    elif payload.action == "logout":
        services.agent_logout(actor=actor, agent=agent)
    elif payload.action == "break":
        services.agent_break_start(actor=actor, agent=agent, reason=payload.reason or "other")
    else:
        services.agent_break_end(actor=actor, agent=agent)
    return _presence_read(agent.pk)
