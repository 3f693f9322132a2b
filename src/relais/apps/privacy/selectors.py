"""What a viewer may see of the customers: one `Masking`, resolved from the policies.

- a site: its own policy, else its partner's; with neither, a partner's site or a home site
  is masked on every field (`CLOSED`), an inshore site of the company sees everything;
- an agent: their site's; a supervisor: the strictest of their teams' sites'; a partner
  manager: their partner's policy (else `CLOSED`); the whole organisation's roles
  (administrator, director, planner, quality analyst): every field (`OPEN`). Card numbers
  and IBANs in free text are masked for everybody (relais.core.privacy).

Every read that shows a customer to a person (frames, pages, the API) passes through one of
these (docs/privacy.md); each resolves in one query whatever the number of sites or agents.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from relais.apps.accounts.models import PARTNER_ROLES, Role
from relais.apps.accounts.permissions import WHOLE_ORGANISATION_ROLES
from relais.apps.organisation.models import Agent, Partner, Site, SiteKind
from relais.apps.privacy import queries
from relais.apps.privacy.models import MaskingPolicy
from relais.core.privacy import CLOSED, OPEN, Masking, strictest

#: With no policy of their own nor of their partner's, these sites are masked.
MASKED_BY_DEFAULT = frozenset({SiteKind.OFFSHORE, SiteKind.HOMESHORE})

_POLICIES = ("masking_policy", "partner__masking_policy")


def _policy(owner: Any) -> MaskingPolicy | None:
    return getattr(owner, "masking_policy", None)  # None: no row (select_related)


def site_masking(site: Site) -> Masking:
    """The site's masking, from a site read with `_POLICIES` (no query)."""
    policy = _policy(site) or (_policy(site.partner) if site.partner_id else None)
    if policy is not None:
        return policy.masking()
    if site.partner_id is not None or site.kind in MASKED_BY_DEFAULT:
        return CLOSED
    return OPEN


def site_maskings(site_ids: Iterable[int]) -> dict[int, Masking]:
    """Each site's masking, in one query (a site that does not exist: not in the result)."""
    ids = set(site_ids)
    if not ids:
        return {}
    sites = Site.objects.filter(pk__in=ids).select_related("partner", *_POLICIES)
    return {site.pk: site_masking(site) for site in sites}


def agent_maskings(agent_ids: Iterable[int | None]) -> dict[int, Masking]:
    """Each agent's masking (their site's), in one query: the router's batch of offers."""
    ids = {pk for pk in agent_ids if pk is not None}
    if not ids:
        return {}
    return {agent_id: site_masking(site) for agent_id, site in queries.agent_sites(ids).items()}


def _with_policies(agents: QuerySet[Agent]) -> QuerySet[Agent]:
    return agents.order_by().select_related("site__partner", *(f"site__{p}" for p in _POLICIES))


def agent_masking(agent_id: int | None) -> Masking:
    """One agent's masking; an unknown agent is masked on every field."""
    if agent_id is None:
        return CLOSED
    return agent_maskings([agent_id]).get(agent_id, CLOSED)


def partner_masking(partner_id: int | None) -> Masking:
    if partner_id is None:
        return CLOSED
    policy = MaskingPolicy.objects.filter(partner_id=partner_id).first()
    return policy.masking() if policy is not None else CLOSED


def sees_everything(viewer: Any) -> bool:
    """The whole organisation's roles: every field shown (cards and IBANs excepted)."""
    return bool(
        getattr(viewer, "is_authenticated", False)
        and viewer.is_active
        and (viewer.is_superuser or viewer.role in WHOLE_ORGANISATION_ROLES)
    )


def masking_for(viewer: Any) -> Masking:
    """What the viewer may see of any customer they may see (their scope is the selectors'
    business; this says how much of each). Anyone else: every field masked."""
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return CLOSED
    if sees_everything(viewer):
        return OPEN
    if viewer.role == Role.AGENT:
        agent = _with_policies(Agent.objects.filter(user_id=viewer.pk)).first()
        return site_masking(agent.site) if agent is not None else CLOSED
    if viewer.role in PARTNER_ROLES:  # a partner's manager or quality evaluator
        return partner_masking(viewer.partner_id)
    if viewer.role == Role.SUPERVISOR:
        sites = viewer.supervised_teams.values_list("site_id", flat=True)
        maskings = site_maskings(list(sites))
        return strictest(list(maskings.values()))
    return CLOSED


def may_unmask(viewer: Any, *, team_id: int | None) -> bool:
    """Who may reveal a masked field of a contact (audited): the whole organisation's roles,
    and a supervisor of the team of the agent holding the contact; never an agent nor a
    partner manager."""
    if sees_everything(viewer):
        return True
    if not getattr(viewer, "is_authenticated", False) or viewer.role != Role.SUPERVISOR:
        return False
    return team_id is not None and viewer.supervised_teams.filter(pk=team_id).exists()


def policy_of(*, site: Site | None = None, partner: Partner | None = None) -> MaskingPolicy | None:
    """The policy written for the site or the partner (none: None)."""
    if site is not None:
        return MaskingPolicy.objects.filter(site=site).first()
    return MaskingPolicy.objects.filter(partner=partner).first() if partner is not None else None
