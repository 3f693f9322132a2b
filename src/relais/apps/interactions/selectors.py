"""Reads of contacts and presence, through the viewer's scope (outside it: not found).

administrator, director, planner, quality analyst: every contact; partner manager: the
contacts served by their partner's agents; supervisor: by their teams' agents; agent:
their own (offered to them, or handled by them).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any, overload

from django.db.models import OuterRef, QuerySet, Subquery

from relais.apps.accounts.errors import ErrorCode
from relais.apps.accounts.models import Role, User
from relais.apps.accounts.permissions import is_administrator
from relais.apps.errors import RelaisError
from relais.apps.interactions import queries
from relais.apps.interactions.models import (
    HELD_STATES,
    AgentPresence,
    Contact,
    ContactEvent,
    ContactState,
    EventKind,
    PresenceState,
)
from relais.apps.organisation.models import Agent
from relais.apps.organisation.scoping import scope_for
from relais.apps.privacy.selectors import masking_for
from relais.core.privacy import Masking, mask_attributes, mask_reference


def contact_list(*, viewer: Any) -> QuerySet[Contact]:
    """The contacts of the viewer's scope, each with its `outcome` (the wrap-up reason's
    code, from the log)."""
    scope = scope_for(viewer)
    contacts = Contact.objects.select_related("queue").annotate(outcome=_OUTCOME)
    if scope.everything:
        return contacts
    if scope.partner_id is not None:
        return contacts.filter(partner_id=scope.partner_id)
    if scope.team_ids:
        return contacts.filter(agent__team_id__in=scope.team_ids)
    if scope.agent_id is not None:
        return contacts.filter(agent_id=scope.agent_id)
    return contacts.none()


_OUTCOME = Subquery(
    ContactEvent.objects.filter(contact=OuterRef("pk"), kind=EventKind.CONTACT_WRAPPED_UP)
    .order_by("-id")
    .values("data__reason")[:1]
)


def contact_group(contact_id: int) -> str:
    """Where a contact's change of hands is pushed (`frames.ContactHolderChanged`)."""
    return f"contact-{contact_id}"


def contact_get(*, viewer: Any, contact_id: int) -> Contact:
    try:
        return contact_list(viewer=viewer).get(pk=contact_id)
    except Contact.DoesNotExist as missing:
        raise RelaisError(ErrorCode.NOT_FOUND, kind=Contact._meta.verbose_name) from missing


def contact_shown(contact: Contact, masking: Masking) -> Contact:
    """A copy of the contact as `masking` lets its viewer see it: its customer reference and
    the attributes that name, reach or locate the customer (relais.core.privacy). Only for
    reading out (never saved); the services work on the contact itself."""
    shown = copy.copy(contact)
    shown.customer_reference = mask_reference(contact.customer_reference, masking)
    shown.attributes = mask_attributes(contact.attributes or {}, masking)
    return shown


class ShownContacts(Sequence[Contact]):
    """The viewer's contacts, each masked as they may see it when read (a page of them)."""

    def __init__(self, contacts: QuerySet[Contact], masking: Masking) -> None:
        self.contacts = contacts
        self.masking = masking

    def __len__(self) -> int:
        return self.contacts.count()

    @overload
    def __getitem__(self, index: int) -> Contact: ...
    @overload
    def __getitem__(self, index: slice) -> list[Contact]: ...
    def __getitem__(self, index: int | slice) -> Contact | list[Contact]:
        if isinstance(index, slice):
            return [contact_shown(c, self.masking) for c in self.contacts[index]]
        return contact_shown(self.contacts[index], self.masking)


def contacts_shown(*, viewer: Any) -> ShownContacts:
    """The contacts of the viewer's scope, as they may see them (`GET /api/v1/contacts`)."""
    return ShownContacts(contact_list(viewer=viewer), masking_for(viewer))


def contact_shown_to(*, viewer: Any, contact: Contact) -> Contact:
    """One contact (of the viewer's scope) as they may see it."""
    return contact_shown(contact, masking_for(viewer))


def presence_of(*, agent_id: int) -> AgentPresence | None:
    """The agent's presence row (the caller has checked the agent is in the viewer's scope)."""
    return AgentPresence.objects.filter(agent_id=agent_id).first()


def contact_locked(contact_id: int) -> Contact:
    """The contact with its queue, its row locked; only that row: locking its queue's row
    too made every transition of a busy queue wait on one row (and deadlock with new
    contacts' inserts)."""
    contact = contact_row(contact_id, lock=True)
    if contact is None:
        raise Contact.DoesNotExist(f"contact {contact_id}")
    return contact


def contact_row(
    contact_id: int, *, agent_id: int | None = None, lock: bool = False
) -> Contact | None:
    """The contact with its queue (None if missing, or not `agent_id`'s when given); `lock`:
    its row alone FOR UPDATE. Hand-written (interactions/queries.py): every desk action and
    contact transition begins here."""
    return queries.contact_with_queue(contact_id, agent_id=agent_id, lock=lock)


def may_act_for(actor: User, agent: Agent) -> bool:
    """The agent themself, a supervisor of their team, or an administrator."""
    if is_administrator(actor) or agent.user_id == actor.pk:
        return True
    return bool(
        actor.role == Role.SUPERVISOR
        and agent.team_id is not None
        and actor.supervised_teams.filter(pk=agent.team_id).exists()
    )


def held_state(agent_id: int) -> PresenceState:
    """available, busy or wrap-up, from the contacts the agent holds."""
    states = set(
        Contact.objects.filter(agent_id=agent_id, state__in=HELD_STATES).values_list(
            "state", flat=True
        )
    )
    if not states:
        return PresenceState.AVAILABLE
    return PresenceState.WRAP_UP if states == {ContactState.WRAP_UP} else PresenceState.BUSY
