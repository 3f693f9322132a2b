"""Reads of contacts and presence, through the viewer's scope (outside it: not found).

administrator, director, planner, quality analyst: every contact; partner manager: the
contacts served by their partner's agents; supervisor: by their teams' agents; agent:
their own (offered to them, or handled by them).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from relais.apps.accounts.errors import ErrorCode
from relais.apps.errors import RelaisError
from relais.apps.interactions.models import AgentPresence, Contact
from relais.apps.organisation.scoping import scope_for


def contact_list(*, viewer: Any) -> QuerySet[Contact]:
    scope = scope_for(viewer)
    contacts = Contact.objects.select_related("queue")
    if scope.everything:
        return contacts
    if scope.partner_id is not None:
        return contacts.filter(partner_id=scope.partner_id)
    if scope.team_ids:
        return contacts.filter(agent__team_id__in=scope.team_ids)
    if scope.agent_id is not None:
        return contacts.filter(agent_id=scope.agent_id)
    return contacts.none()


def contact_get(*, viewer: Any, contact_id: int) -> Contact:
    try:
        return contact_list(viewer=viewer).get(pk=contact_id)
    except Contact.DoesNotExist as missing:
        raise RelaisError(ErrorCode.NOT_FOUND, kind=Contact._meta.verbose_name) from missing


def presence_of(*, agent_id: int) -> AgentPresence | None:
    """The agent's presence row (the caller has checked the agent is in the viewer's scope)."""
    return AgentPresence.objects.filter(agent_id=agent_id).first()
