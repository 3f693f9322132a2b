"""`/metrics`: every listed metric is there, and its values move with the contacts."""

from __future__ import annotations

from typing import Any

from django.test import Client

from relais.apps.interactions import services
from tests.apps.operations.scrape import families, value
from tests.apps.presence import desk_open
from tests.apps.routing.fixtures import Routing

#: The metrics docs/operations.md lists.
LISTED = {
    "relais_contacts",
    "relais_oldest_waiting_seconds",
    "relais_offers",
    "relais_routing_latency_seconds",
    "relais_websocket_connections",
    "relais_job_queue_depth",
    "relais_calls_in_progress",
    "relais_errors",
}


def scrape() -> str:
    response = Client().get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_the_metrics_endpoint_exposes_every_listed_metric(routing: Routing) -> None:
    assert families(scrape()) >= LISTED


def test_contacts_offers_latency_and_connections_move_as_a_contact_is_created_and_offered(
    routing: Routing,
) -> None:
    agent = routing.world.agents["lille0"]
    before = scrape()
    desk_open(agent)
    services.agent_login(actor=agent.user, agent=agent)
    routing.step()

    services.contact_create(actor=routing.world.users["administrator"], queue_code="orders")
    created = scrape()
    routing.step()
    offered = scrape()

    desks = value(before, "relais_websocket_connections", kind="desk")
    assert value(created, "relais_websocket_connections", kind="desk") == desks + 1
    assert value(created, "relais_contacts", state="created", channel="chat") == 1
    assert value(offered, "relais_contacts", state="created", channel="chat") == 0
    assert value(offered, "relais_contacts", state="offered", channel="chat") == 1
    offers = value(before, "relais_offers_total", queue="orders")
    assert value(offered, "relais_offers_total", queue="orders") == offers + 1
    latencies = value(before, "relais_routing_latency_seconds_count")
    assert value(offered, "relais_routing_latency_seconds_count") == latencies + 1


def test_an_error_logged_is_counted(routing: Routing, caplog: Any) -> None:
    import logging

    before = value(scrape(), "relais_errors_total", process="command", logger="relais.test")
    logging.getLogger("relais.test").error("something broke")
    after = value(scrape(), "relais_errors_total", process="command", logger="relais.test")
    assert after == before + 1


def test_the_metrics_token_is_required_when_set(routing: Routing, settings: Any) -> None:
    settings.METRICS_TOKEN = "s3cret-token"
    assert Client().get("/metrics").status_code == 401
    wrong = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 401
    right = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert right.status_code == 200
