"""The director issues February's statement, Atlas's manager disputes a line with a comment
and a file, the director accepts, and March's statement carries the adjustment (Chromium)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from relais.apps.contracts.models import Dispute, Statement
from tests.apps.conftest import World
from tests.apps.contracts.fixtures import atlas_contract, available, handled, paris
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in


def _compute(page: Any, month: str) -> None:
    page.get_by_test_id("compute-month").fill(month)
    page.get_by_test_id("compute").click()
    page.wait_for_url(re.compile(r".*/statements/\d+/$"))


def test_a_statement_is_issued_disputed_accepted_and_adjusted_next_month(
    world: World, asgi_server: str, pages: Any
) -> None:
    atlas_contract(world)
    agent = world.agents["rabat0"]
    available(agent, paris(2, 2, 9), paris(2, 2, 11))
    handled(agent, paris(2, 10, 10), "K1")
    director_user, manager_user = world.users["director"], world.users["partner_manager"]
    director_user.language = "en"
    director_user.save(update_fields=["language"])

    # the director computes February and issues it
    director = pages()
    sign_in(director, asgi_server, director_user)
    director.goto(f"{asgi_server}/statements/")
    assert_accessible(director)
    _compute(director, "2026-02")
    expect(director.get_by_test_id("total")).to_have_text("43.50")
    director.get_by_test_id("issue").click()
    expect(director.get_by_test_id("statement-state")).to_have_text("Issued")
    assert_accessible(director)
    statement = Statement.objects.get()

    # Atlas's manager, in French, disputes the hours with a comment and a file
    manager = pages()  # the manager's saved language is French
    sign_in(manager, asgi_server, manager_user)
    manager.goto(f"{asgi_server}/statements/")
    manager.get_by_role("link", name=re.compile("février 2026", re.I)).click()
    hours = manager.locator("[data-testid=line][data-unit=productive_hour]")
    hours.get_by_test_id("dispute-open").click()
    hours.get_by_test_id("dispute-comment").fill("Il manque 30 minutes le 2 février.")
    hours.locator("input[type=file]").set_input_files(
        files=[{"name": "planning.csv", "mimeType": "text/csv", "buffer": b"jour;heures\n2;2.5\n"}]
    )
    hours.get_by_test_id("dispute-send").click()
    expect(manager.get_by_test_id("statement-state")).to_have_text("Contesté")
    expect(hours.get_by_test_id("dispute")).to_contain_text("Il manque 30 minutes")
    expect(hours.get_by_role("link", name="planning.csv")).to_be_visible()
    assert_accessible(manager)

    # the director accepts, crediting 10.00
    director.reload()
    row = director.locator("[data-testid=line][data-unit=productive_hour]")
    row.get_by_test_id("decide-amount").fill("10")
    row.get_by_test_id("accept").click()
    expect(director.get_by_test_id("statement-state")).to_have_text("Agreed")
    assert Dispute.objects.get().state == "accepted"

    # and March's statement carries the settlement as an adjustment of February
    director.goto(f"{asgi_server}/statements/")
    _compute(director, "2026-03")
    settled = director.locator("[data-testid=line][data-unit=dispute_settled]")
    expect(settled.get_by_test_id("adjustment")).to_have_text("adjusts 2026-02")
    expect(settled.get_by_test_id("line-amount")).to_have_text("10.00")
    expect(director.get_by_test_id("total")).to_have_text("10.00")
    assert Statement.objects.get(pk=statement.pk).state == "agreed"
