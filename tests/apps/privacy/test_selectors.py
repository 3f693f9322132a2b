"""Which masking each viewer gets: one resolution for every surface (docs/privacy.md)."""

from __future__ import annotations

from typing import Any

import pytest

from relais.apps.accounts.models import Role
from relais.apps.privacy.selectors import agent_maskings, masking_for, site_maskings
from relais.apps.privacy.services import masking_policy_set
from relais.core.privacy import CLOSED, OPEN, Masking
from tests.apps.conftest import World
from tests.apps.factories import UserFactory

SHOWN = {"mask_surname": False, "mask_email": False, "mask_phone": False, "mask_address": False}


def test_without_any_policy_partner_and_home_sites_are_masked_inshore_is_not(world: World) -> None:
    agents = world.agents
    maskings = agent_maskings(agents[k].pk for k in ("lille0", "rabat0", "bucarest0", "home0"))
    assert maskings[agents["lille0"].pk] == OPEN
    assert maskings[agents["rabat0"].pk] == CLOSED  # Atlas Contact, offshore
    assert maskings[agents["bucarest0"].pk] == CLOSED  # Carpathia CX, offshore
    assert maskings[agents["home0"].pk] == CLOSED  # homeshore


def test_a_partners_policy_covers_its_sites_and_a_sites_own_policy_wins(world: World) -> None:
    masking_policy_set(actor=None, partner=world.carpathia, fields={**SHOWN, "mask_email": True})
    bucarest = site_maskings([world.bucarest.pk])[world.bucarest.pk]
    assert bucarest == Masking(surname=False, email=True, phone=False, address=False)

    masking_policy_set(actor=None, site=world.bucarest, fields={"mask_phone": False})
    bucarest = site_maskings([world.bucarest.pk])[world.bucarest.pk]
    assert bucarest == Masking(surname=True, email=True, phone=False, address=True)


def test_an_inshore_sites_policy_masks_it(world: World) -> None:
    masking_policy_set(actor=None, site=world.lille, fields={**SHOWN, "mask_surname": True})
    masking = masking_for(world.agents["lille0"].user)
    assert masking == Masking(surname=True, email=False, phone=False, address=False)


@pytest.mark.parametrize("role", ["administrator", "director", "planner", "quality_analyst"])
def test_the_whole_organisations_roles_see_every_field(world: World, role: str) -> None:
    masking_policy_set(actor=None, partner=world.atlas, fields={"patterns": "CLT-\\d+"})
    assert masking_for(world.users[role]) == OPEN


def test_a_partner_manager_gets_their_partners_policy_else_everything_masked(world: World) -> None:
    manager = world.users["partner_manager"]  # Atlas Contact's
    assert masking_for(manager) == CLOSED
    masking_policy_set(actor=None, partner=world.atlas, fields=SHOWN)
    assert masking_for(manager) == OPEN


def test_a_supervisor_gets_the_strictest_of_their_teams_sites(world: World) -> None:
    supervisor = world.users["supervisor"]  # Lille A: inshore, no policy
    assert masking_for(supervisor) == OPEN
    world.teams["rabat"].supervisors.add(supervisor)
    masking_policy_set(actor=None, partner=world.atlas, fields={**SHOWN, "mask_phone": True})
    assert masking_for(supervisor) == Masking(surname=False, email=False, phone=True, address=False)


def test_nobody_else_sees_anything_unmasked(world: World) -> None:
    lonely = UserFactory(username="lonely.supervisor", role=Role.SUPERVISOR)
    assert masking_for(lonely) == CLOSED  # no team: nothing to compare, masked
    inactive = world.users["director"]
    inactive.is_active = False
    assert masking_for(inactive) == CLOSED


def test_the_maskings_of_a_batch_of_agents_are_read_in_one_query(
    world: World, django_assert_num_queries: Any
) -> None:
    masking_policy_set(actor=None, partner=world.atlas, fields=SHOWN)
    masking_policy_set(actor=None, site=world.home, fields=SHOWN)
    ids = [agent.pk for agent in world.agents.values()]
    with django_assert_num_queries(1):
        maskings = agent_maskings(ids)
    assert len(maskings) == len(ids)
    assert maskings[world.agents["rabat1"].pk] == OPEN
    assert maskings[world.agents["bucarest1"].pk] == CLOSED
