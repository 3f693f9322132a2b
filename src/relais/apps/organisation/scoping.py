"""The part of the organisation a viewer may see, derived from their role.

administrator, director, planner, quality analyst: everything; partner manager: the sites of
their partner and everything on them; supervisor: their own teams; agent: themself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from relais.apps.accounts.models import Role
from relais.apps.accounts.permissions import WHOLE_ORGANISATION_ROLES


@dataclass(frozen=True, slots=True)
class Scope:
    everything: bool = False
    partner_id: int | None = None
    team_ids: frozenset[int] = frozenset()
    agent_id: int | None = None


NOTHING = Scope()


def scope_for(viewer: Any) -> Scope:
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return NOTHING
    if viewer.is_superuser or viewer.role in WHOLE_ORGANISATION_ROLES:
        return Scope(everything=True)
    if viewer.role == Role.PARTNER_MANAGER:
        return Scope(partner_id=viewer.partner_id) if viewer.partner_id else NOTHING
    if viewer.role == Role.SUPERVISOR:
        return Scope(team_ids=frozenset(viewer.supervised_teams.values_list("id", flat=True)))
    if viewer.role == Role.AGENT:
        agent_id = getattr(getattr(viewer, "agent", None), "id", None)
        return Scope(agent_id=agent_id) if agent_id else NOTHING
    return NOTHING
