"""The demo's e-mail: the `messages` queue gets its address (twice without change), and the
traffic generator's customers write over SMTP to Relais's receiver: their e-mails become
contacts of that queue, their answers join their conversations, out-of-office replies do not
(docs/email.md, "Demo")."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from relais.apps.email.models import Mailbox, MailKind, MailMessage, MailThread
from relais.apps.email.receiver import receiver_start
from relais.apps.interactions.models import Contact
from relais.demo.company import load_demo_company
from relais.demo.mail import DEMO_MAIL_ADDRESS, load_demo_mail
from relais.demo.queues import load_demo_queues
from relais.demo.traffic import mails
from relais.demo.traffic.state import RunSettings, Shared

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_queue_gets_its_address_once(settings: Any, tmp_path: Any) -> None:
    load_demo_company()
    load_demo_queues()

    assert load_demo_mail() == "created"
    assert load_demo_mail() == "unchanged"
    assert Mailbox.objects.get().queue.code == "messages"


def test_demo_customers_write_emails_over_smtp(
    settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MAIL_DIR = tmp_path
    load_demo_company()
    load_demo_queues()
    load_demo_mail()
    receiver = receiver_start("127.0.0.1", 0)
    monkeypatch.setattr(mails, "EVERY_S", (0.0, 0.01))
    shared = Shared(RunSettings(base="", password=""), rng=random.Random(4))

    async def write(count: int) -> None:
        task = asyncio.create_task(mails.mail_writers(shared, f"127.0.0.1:{receiver.port}"))
        while shared.counters.emails < count and not task.done():
            await asyncio.sleep(0.05)
        shared.stop.set()
        await task

    try:
        asyncio.run(write(30))
    finally:
        receiver.stop()

    assert shared.counters.errors == {}
    received = MailMessage.objects.filter(to_address=DEMO_MAIL_ADDRESS)
    assert received.count() == shared.counters.emails >= 30
    automatic = received.filter(kind=MailKind.AUTO_REPLY).count()
    answers = received.exclude(in_reply_to="").count()
    assert automatic > 0
    assert answers > 0
    # an answer joins its conversation's contact, still open (nobody routes them here)
    conversations = received.count() - automatic - answers
    assert Contact.objects.filter(queue__code="messages").count() == conversations
    assert MailThread.objects.count() == conversations
