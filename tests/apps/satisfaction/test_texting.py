"""The survey of a phone call reaches a caller on a mobile by SMS, once, through the operator's
gateway (a real HTTP server on 127.0.0.1); a gateway down loses nothing."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from relais.apps.audit.models import AuditEntry
from relais.apps.routing.models import Channel, Queue
from relais.apps.satisfaction.models import SurveyInvitation
from relais.apps.satisfaction.texting import mobile_number, survey_links_text
from tests.apps.conftest import World
from tests.apps.routing.fixtures import orders_queue
from tests.apps.satisfaction.making import handled, policy

pytestmark = pytest.mark.django_db


@dataclass
class Gateway:
    """An SMS operator's HTTP API: takes {"to", "from", "text"} with a bearer token."""

    token: str = "secret-token"
    down: bool = False
    received: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def gateway(settings: Any) -> Iterator[Gateway]:
    state = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if state.down or self.headers.get("Authorization") != f"Bearer {state.token}":
                self.send_response(503 if state.down else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            state.received.append(json.loads(body))
            answer = json.dumps({"id": f"sms-{len(state.received)}"}).encode()
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/sms"
    settings.SMS_URL = state.url
    settings.SMS_TOKEN = state.token
    settings.SMS_SENDER = "Maison"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def phone_queue(world: World) -> Queue:
    queue = orders_queue(world, code="phone-orders", channel=Channel.VOICE)
    policy(queue, sampling_percent=100, quiet_days=0)
    return queue


def test_a_caller_on_a_mobile_gets_the_link_once(
    world: World, phone_queue: Queue, gateway: Gateway
) -> None:
    now = timezone.now()
    since = now - dt.timedelta(minutes=5)
    call = handled(
        phone_queue,
        [world.agents["rabat0"]],
        at=now - dt.timedelta(minutes=3),
        customer_key="tel:+33612345678",
    )

    assert survey_links_text(since=since, now=now) == 1
    assert survey_links_text(since=since, now=now) == 0  # a second turn texts nothing more

    (message,) = gateway.received
    assert message["to"] == "+33612345678"
    assert message["from"] == "Maison"
    assert "Merci pour votre appel" in message["text"]
    (url,) = [word for word in message["text"].split() if word.startswith("http")]
    invitation = SurveyInvitation.objects.get(contact=call)
    page = Client().get(f"{urlsplit(url).path}?{urlsplit(url).query}")
    assert page.status_code == 200
    entry = AuditEntry.objects.get(action="survey.texted")
    assert entry.changes["gateway_id"] == "sms-1"
    assert invitation.delivery == "link"


def test_landlines_and_unknown_callers_get_no_sms(
    world: World, phone_queue: Queue, gateway: Gateway
) -> None:
    now = timezone.now()
    agent = world.agents["rabat0"]
    handled(phone_queue, [agent], at=now - dt.timedelta(minutes=3), customer_key="tel:+33199000001")
    handled(phone_queue, [agent], at=now - dt.timedelta(minutes=3), customer_key="")

    assert survey_links_text(since=now - dt.timedelta(minutes=5), now=now) == 0
    assert gateway.received == []
    assert not SurveyInvitation.objects.exists()


def test_a_gateway_down_loses_nothing_and_the_next_turn_sends(
    world: World, phone_queue: Queue, gateway: Gateway
) -> None:
    now = timezone.now()
    since = now - dt.timedelta(minutes=5)
    call = handled(
        phone_queue,
        [world.agents["rabat0"]],
        at=now - dt.timedelta(minutes=3),
        customer_key="tel:+33700000042",
    )
    gateway.down = True

    assert survey_links_text(since=since, now=now) == 0
    assert not SurveyInvitation.objects.filter(contact=call).exists()
    assert AuditEntry.objects.filter(action="survey.withdrawn").count() == 1

    gateway.down = False
    later = now + dt.timedelta(minutes=1)
    assert survey_links_text(since=since, now=later) == 1
    assert [m["to"] for m in gateway.received] == ["+33700000042"]


def test_no_gateway_no_sms(world: World, phone_queue: Queue, settings: Any) -> None:
    settings.SMS_URL = ""
    now = timezone.now()
    handled(
        phone_queue,
        [world.agents["rabat0"]],
        at=now - dt.timedelta(minutes=3),
        customer_key="tel:+33612345678",
    )

    assert survey_links_text(since=now - dt.timedelta(minutes=5), now=now) == 0
    assert not SurveyInvitation.objects.exists()


def test_other_countries_mobiles_come_from_the_setting(settings: Any) -> None:
    assert mobile_number("tel:+33612345678") == "+33612345678"
    assert mobile_number("tel:+212612345678") == ""
    settings.SMS_MOBILE_PREFIXES = ["+2126"]
    assert mobile_number("tel:+212612345678") == "+212612345678"
    assert mobile_number("email:jeanne@example.com") == ""
