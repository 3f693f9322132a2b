"""JSON logs: one object a line, with the request id and the contact's id, so that one
contact is followed from the request that created it to the router's offer."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from relais.apps.interactions import services
from relais.apps.telemetry.logs import JsonFormatter, request_id, trail
from tests.apps.presence import desk_open
from tests.apps.routing.fixtures import Routing


@pytest.fixture
def json_trail() -> Iterator[io.StringIO]:
    """The contact's trail on, written as JSON into a buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    level = trail.level
    trail.addHandler(handler)
    trail.setLevel(logging.INFO)
    try:
        yield buffer
    finally:
        trail.removeHandler(handler)
        trail.setLevel(level)


def lines(buffer: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_one_contact_is_followed_from_its_creation_to_its_offer(
    routing: Routing, json_trail: io.StringIO
) -> None:
    agent = routing.world.agents["lille0"]
    desk_open(agent)
    services.agent_login(actor=agent.user, agent=agent)
    routing.step()
    token = request_id.set("req-123")
    try:
        with routing.on_commit(execute=True):
            contact = services.contact_create(
                actor=routing.world.users["administrator"], queue_code="orders"
            )
    finally:
        request_id.reset(token)
    routing.step()

    about = [line for line in lines(json_trail) if line.get("contact_id") == contact.pk]
    assert [line.get("event") or line.get("decision") for line in about] == [
        "contact.created",
        "OfferMade",
    ]
    created, offered = about
    assert created["request_id"] == "req-123"
    assert created["logger"] == "relais.trail"
    assert offered["agent"] == str(agent.pk)
    assert {"time", "level", "message", "process", "pid"} <= set(offered)


def test_an_exception_is_one_line_with_its_traceback() -> None:
    record = logging.LogRecord("relais.test", logging.ERROR, __file__, 1, "failed %s", ("x",), None)
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    text = JsonFormatter().format(record)

    assert "\n" not in text
    event = json.loads(text)
    assert event["message"] == "failed x"
    assert "ValueError: boom" in event["exception"]


def test_each_answer_carries_its_request_id() -> None:
    given = Client().get("/health/live", HTTP_X_REQUEST_ID="from-nginx-42")
    fresh = Client().get("/health/live")

    assert given["X-Request-ID"] == "from-nginx-42"
    assert len(fresh["X-Request-ID"]) == 32
