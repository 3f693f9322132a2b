"""An e-mail queue with its mailbox, the router, Relais's SMTP receiver and an outgoing
relay, both real aiosmtpd servers on free ports of 127.0.0.1."""

from __future__ import annotations

import smtplib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from relais.apps.desktop import services as desk
from relais.apps.desktop.models import WrapUpReason
from relais.apps.email.models import Mailbox
from relais.apps.email.receiver import receiver_start
from relais.apps.organisation.models import Agent
from relais.apps.router.router import Router
from relais.apps.routing.models import Channel, Queue
from relais.core.clock import VirtualClock
from tests.apps.conftest import World
from tests.apps.presence import desk_open
from tests.apps.routing.fixtures import orders_queue

ADDRESS = "service@maison.example"


@dataclass
class Relay:
    """The outgoing relay: keeps what it accepts; `failing` makes it answer 451."""

    received: list[EmailMessage] = field(default_factory=list)
    failing: bool = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.failing:
            return "451 4.3.0 Relay busy, try again later"
        parsed = BytesParser(policy=policy.default).parsebytes(envelope.content)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        return "250 OK"


@dataclass
class MailWorld:
    world: World
    queue: Queue
    mailbox: Mailbox
    router: Router
    receiver: Controller
    relay: Relay

    def agent(self, key: str = "lille0") -> Agent:
        return self.world.agents[key]

    def send(self, message: EmailMessage, *, sender: str = "") -> dict[str, Any]:
        """Over SMTP to Relais's receiver, as a customer's server would."""
        with smtplib.SMTP(self.receiver.hostname, self.receiver.port, timeout=10) as smtp:
            refused = smtp.send_message(message, from_addr=sender or None, to_addrs=[ADDRESS])
        return refused


def customer_mail(
    body: str = "Bonjour, ma commande 1234 n'est pas arrivée.",
    *,
    subject: str = "Commande 1234",
    sender: str = "Jeanne Martin <jeanne@example.com>",
    message_id: str = "<first.1@example.com>",
    in_reply_to: str = "",
    html: str = "",
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ADDRESS
    message["Subject"] = subject
    message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    return message


@pytest.fixture
def mail_world(world: World, settings: Any, tmp_path: Any) -> Iterator[MailWorld]:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.MAIL_DIR = tmp_path / "mail"
    settings.MAIL_MAX_ATTACHMENT_MB = 1
    queue = orders_queue(world, code="courriel", channel=Channel.EMAIL)
    queue.service_level_seconds = 4 * 3600
    queue.save()
    mailbox = Mailbox.objects.create(queue=queue, address=ADDRESS, display_name="Maison")
    WrapUpReason.objects.get_or_create(
        code="resolved", defaults={"label_fr": "Résolu", "label_en": "Resolved"}
    )
    relay = Relay()
    outgoing = Controller(relay, hostname="127.0.0.1", port=_free_port())
    outgoing.start()
    settings.MAIL_RELAY = f"127.0.0.1:{outgoing.port}"
    receiver = receiver_start("127.0.0.1", 0)
    router = Router(clock=VirtualClock(time.time()))
    router.rebuild()
    try:
        yield MailWorld(world, queue, mailbox, router, receiver, relay)
    finally:
        receiver.stop()
        outgoing.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def agent_available(agent: Agent) -> None:
    desk_open(agent)
    desk.desk_presence_set(actor=agent.user, state="available")
