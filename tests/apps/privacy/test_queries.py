"""The privacy app's hand-written statement (privacy/queries.py) loads what its ORM
equivalent loads, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from relais.apps.organisation.models import Agent
from relais.apps.privacy import queries
from relais.apps.privacy.selectors import site_masking
from relais.apps.privacy.services import masking_policy_set
from tests.apps.conftest import World
from tests.apps.same import values

pytestmark = pytest.mark.django_db


def _compare(agent_ids: list[int]) -> None:
    by_hand = queries.agent_sites(agent_ids)
    orm = Agent.objects.filter(pk__in=agent_ids).select_related(
        "site__partner", "site__masking_policy", "site__partner__masking_policy"
    )
    assert set(by_hand) == {agent.pk for agent in orm}
    for agent in orm:
        site = by_hand[agent.pk]
        assert values(site, "partner") == values(agent.site, "partner")
        assert values(getattr(site, "masking_policy", None)) == values(
            getattr(agent.site, "masking_policy", None)
        )
        if agent.site.partner is not None:
            assert values(getattr(site.partner, "masking_policy", None)) == values(
                getattr(agent.site.partner, "masking_policy", None)
            )
        assert site_masking(site) == site_masking(agent.site)


def test_the_agents_sites_with_their_policies_are_the_orms(
    world: World, django_assert_num_queries
) -> None:
    # given agents inshore, offshore at two partners, at home, and an id that does not exist
    keys = ("lille0", "rabat0", "bucarest0", "home0")
    agent_ids = [world.agents[key].pk for key in keys] + [10_000]
    # when the sites are read by hand and by the ORM, without any policy
    _compare(agent_ids)
    # then with a partner's policy, a site's own, and an inshore site's
    masking_policy_set(actor=None, partner=world.carpathia, fields={"mask_email": False})
    masking_policy_set(actor=None, site=world.bucarest, fields={"mask_phone": False})
    masking_policy_set(actor=None, site=world.lille, fields={"mask_surname": True})
    masking_policy_set(actor=None, partner=world.atlas, fields={"patterns": "CLT-\\d+"})
    _compare(agent_ids)
    # and nothing more is read once loaded: no query for a policy missing or present
    sites = queries.agent_sites(agent_ids)
    with django_assert_num_queries(0):
        for site in sites.values():
            site_masking(site)
    assert queries.agent_sites([]) == {}
