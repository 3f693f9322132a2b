"""A home for each role (relais.config.homes): who is sent where, and what figures each sees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from relais.apps.accounts.models import User
from relais.apps.interactions.models import Contact
from relais.apps.organisation.models import Agent
from relais.apps.routing.models import Queue
from relais.apps.supervision.live.board import local_midnight
from relais.apps.supervision.live.frames import FigureRow
from relais.apps.supervision.live.thresholds import Targets, levels
from relais.apps.wfm.models import ForecastRun, Schedule
from relais.config.homes import tile_row, week_of
from tests.apps.conftest import World, logged_in
from tests.apps.routing.fixtures import orders_queue

pytestmark = pytest.mark.django_db


def _client(user: User, language: str = "en") -> Client:
    user.language = language  # the person's saved language chooses the interface's
    user.save(update_fields=["language"])
    return logged_in(user)


def _answered_today(queue: Queue, agent: Agent, name: str) -> Contact:
    """A contact answered a few seconds after it queued, earlier today."""
    now = timezone.now()
    start = max(
        now - dt.timedelta(seconds=40),
        dt.datetime.fromtimestamp(local_midnight(now.timestamp()), dt.UTC),
    )
    accepted = start + (now - start) / 2
    return Contact.objects.create(
        channel=queue.channel, queue=queue, priority=0, customer_reference=name,
        created_at=start, queued_at=start, state="closed", close_reason="handled",
        offered_at=accepted, accepted_at=accepted, closed_at=now, agent=agent,
        site_id=agent.site_id, partner_id=agent.site.partner_id,
    )  # fmt: skip


def test_an_agent_goes_straight_to_the_desktop(world: World) -> None:
    response = logged_in(world.users["agent"]).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/desktop/"


def test_a_supervisor_goes_to_their_teams_live_on_the_wallboard(world: World) -> None:
    response = logged_in(world.users["supervisor"]).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/supervision/"


@pytest.mark.parametrize("role", ["director", "administrator"])
def test_a_director_sees_every_site_kind_and_partner_today(world: World, role: str) -> None:
    queue = orders_queue(world)
    _answered_today(queue, world.agents["rabat0"], "a")  # Atlas Contact, offshore
    _answered_today(queue, world.agents["bucarest0"], "b")  # Carpathia CX, offshore
    _answered_today(queue, world.agents["lille0"], "c")  # in-house, inshore

    response = _client(world.users[role], "en").get("/")

    assert response.status_code == 200
    overview = response.context["overview"]
    assert overview["totals"]["answered"] == 3
    assert {r["key"]: r["answered"] for r in overview["site_kinds"]} == {
        "inshore": 1,
        "offshore": 2,
    }
    partners = {r["label"]: r["answered"] for r in overview["partners"]}
    assert partners == {"Atlas Contact": 1, "Carpathia CX": 1, "internal": 1}
    html = response.content.decode()
    assert 'data-testid="by-partner"' in html
    assert "Carpathia CX" in html
    assert "In-house" in html
    assert ('data-testid="admin-links"' in html) == (role == "administrator")


def test_a_partner_manager_sees_only_their_partner(world: World) -> None:
    queue = orders_queue(world)
    _answered_today(queue, world.agents["rabat0"], "a")
    _answered_today(queue, world.agents["bucarest0"], "b")

    response = logged_in(world.users["partner_manager"]).get("/")

    overview = response.context["overview"]
    assert [r["label"] for r in overview["partners"]] == ["Atlas Contact"]
    assert overview["totals"]["answered"] == 1
    assert "Carpathia" not in response.content.decode()


def test_a_planner_sees_this_weeks_planning_status(world: World) -> None:
    queue = orders_queue(world)
    monday, sunday = week_of(timezone.localdate())
    ForecastRun.objects.create(
        site=world.lille, queue=queue.code, interval_minutes=15, method="seasonal_naive",
        horizon_start=monday, horizon_end=sunday, created_at=timezone.now(),
    )  # fmt: skip
    ForecastRun.objects.create(  # last week's: not this week's status
        site=world.rabat, queue=queue.code, interval_minutes=15, method="seasonal_naive",
        horizon_start=monday - dt.timedelta(days=7), horizon_end=monday - dt.timedelta(days=1),
        created_at=timezone.now(),
    )  # fmt: skip
    schedule = Schedule.objects.create(
        week_start=monday, starts_at=timezone.now(), status="optimal", objective=0, bound=0,
        gap_pct=0, seconds=1, created_at=timezone.now(),
    )  # fmt: skip
    schedule.sites.add(world.lille)

    response = _client(world.users["planner"], "fr").get("/")

    sites = {row["site"].name: row for row in response.context["sites"]}
    assert sites["Lille"]["queues"] == ["orders"]
    assert sites["Lille"]["scheduled"]
    assert sites["Rabat"]["queues"] == []
    assert not sites["Rabat"]["scheduled"]
    assert response.context["queues_missing"] == []
    assert "Non planifié" in response.content.decode()


def test_a_planner_sees_the_queues_without_a_forecast(world: World) -> None:
    orders_queue(world)
    response = logged_in(world.users["planner"]).get("/")
    assert [q.code for q in response.context["queues_missing"]] == ["orders"]


def test_a_quality_analyst_starts_on_the_evaluations(world: World) -> None:
    response = _client(world.users["quality_analyst"], "en").get("/")
    assert response.status_code == 302
    assert response["Location"] == "/quality/"


def test_the_overview_colours_figures_as_the_wallboard_does() -> None:
    row = FigureRow(
        key="q",
        label="q",
        service_level=0.85,
        service_level_target=0.9,
        abandonment_rate=0.07,
        levels=levels(
            targets=Targets(service_level=0.9, seconds=20),
            service_level=0.85,
            service_level_30m=None,
            waiting=0,
            oldest_waiting_seconds=None,
            abandonment_rate=0.07,
        ),
    )
    tile = tile_row(row)
    assert tile["service_level_state"] == "warn"
    assert tile["abandonment_state"] == "warn"
    assert tile_row(FigureRow(key="none", label="none"))["service_level_state"] == ""
