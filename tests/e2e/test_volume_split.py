"""In the browser: the director reaches the volume split page from the wallboard and reads
every group's target against its actual share; Atlas's manager reads only Atlas's line.
Both pages pass the axe-core check."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.apps.conftest import World
from tests.apps.routing.split_fixtures import answered, split_queue
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_director_and_atlas_manager_read_target_against_actual_share(
    world: World, new_page: Any, live_server: Any
) -> None:
    # given a split queue whose contacts went 2 to Atlas, 1 to Carpathia, 1 to Lille
    queue = split_queue(world)
    now = timezone.now()
    answered(queue, world.agents["rabat0"], now, 2)
    answered(queue, world.agents["bucarest0"], now)
    answered(queue, world.agents["lille0"], now)

    # when the director opens it from the wallboard
    director = new_page("fr")
    sign_in(director, live_server.url, world.users["director"])
    director.goto(f"{live_server.url}/supervision/")
    director.click("[data-testid=volume-split-link]")

    # then each group shows its target and its actual share
    live = director.locator("[data-testid=split-live] tbody tr")
    expect(live).to_have_count(3)
    expect(live.nth(0)).to_contain_text("Atlas Contact")
    expect(live.nth(0)).to_contain_text("40 %")
    expect(live.nth(0)).to_contain_text("50,0 %")
    expect(director.locator("[data-testid=split-intervals]")).to_be_visible()
    assert_accessible(director)

    # and Atlas's manager sees Atlas's line only, in English too
    manager = new_page("en")
    sign_in(manager, live_server.url, world.users["partner_manager"])
    manager.goto(f"{live_server.url}/supervision/volume-split/")
    rows = manager.locator("[data-testid=split-live] tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_contain_text("Atlas Contact")
    assert "Carpathia" not in manager.inner_text("body")
    assert_accessible(manager)
