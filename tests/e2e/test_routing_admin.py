"""Browser test: the queue admin shows when nobody can answer a queue, and warns on save."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from relais.apps.accounts.models import Role
from relais.apps.organisation.models import Skill
from relais.apps.routing.models import OverflowStep, Queue, QueueSkill
from tests.apps.conftest import World
from tests.apps.factories import UserFactory
from tests.e2e.signin import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_administrator_sees_the_evening_gap_and_the_warning_after_a_change(
    world: World, new_page: Any, live_server: Any
) -> None:
    # given a queue open on Mondays until 22:00 whose only step stops at 20:00
    queue = Queue.objects.create(
        code="evening", name_fr="Soir", name_en="Evening", channel="chat",
        opening_hours="mon 08:00-22:00",
    )  # fmt: skip
    QueueSkill.objects.create(queue=queue, skill=Skill.objects.get(code="orders"), min_level=2)
    OverflowStep.objects.create(queue=queue, order=0, internal=True, hours="mon 08:00-20:00")
    root = UserFactory(
        username="root", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True, language="en"
    )
    page = new_page("en")
    sign_in(page, live_server.url, root)

    # when they open the queue's page
    page.goto(f"{live_server.url}/admin/routing/queue/{queue.pk}/change/")

    # then the gap is listed
    section = page.get_by_test_id("reachability")
    expect(section).to_contain_text(
        "Nobody can answer queue Evening on Monday 20:00–22:00: no overflow step is open then."
    )

    # when the step is kept open until 22:00 (the sites still close at 20:00) and saved
    page.fill("#id_overflow_steps-0-hours", "mon 08:00-22:00")
    page.click("input[name=_continue]")

    # then a warning says why, and the page lists the new gap
    expect(page.locator("ul.messagelist li.warning").first).to_have_text(
        "Nobody can answer queue Evening on Monday 20:00–22:00: the agents who could answer "
        "work on sites that are closed then."
    )
    expect(section).to_contain_text("sites that are closed then")
