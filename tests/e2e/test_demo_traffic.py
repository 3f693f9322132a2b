"""`relais traffic` against uvicorn with the router (`asgi_server`, run by make e2e): the
demo company, a few bot agents, customers at a small rate for a few seconds."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import threading
import time
from collections import Counter
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection

from relais.apps.chat.models import ChatMessage
from relais.apps.desktop.models import WrapUp
from relais.apps.interactions.models import AgentPresence, Contact, ContactEvent, EventKind
from relais.apps.organisation.models import OpeningHours, Site
from relais.apps.routing.models import OverflowStep, Queue
from relais.core.routing import BreakReason
from relais.demo.company import load_demo_company
from relais.demo.queues import load_demo_queues
from relais.demo.traffic.model import DEMO_QUEUES, Timeline, break_plan, day_arrivals
from relais.demo.traffic.model import TrafficOptions as Options
from relais.demo.traffic.setup import choose_bots
from tests.e2e.conftest import asgi_server  # noqa: F401  (the fixture)

FREE = {"camille.durand", "youssef.el-amrani", "andrei.popescu", "nathalie.girard"}


def _load_demo() -> None:
    # A browser test before this one flushed the tables, rows of data migrations included:
    # put back the wrap-up reasons the bots choose from.
    reasons = importlib.import_module("relais.apps.desktop.migrations.0002_wrap_up_reasons")
    reasons.add_reasons(django_apps, None)
    load_demo_company()
    load_demo_queues()
    # every queue and site open whatever the hour the test runs, so bots of every site work
    Queue.objects.update(opening_hours="")
    OverflowStep.objects.update(hours="")
    OpeningHours.objects.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(site=site, weekday=day, opens_at=dt.time(0), closes_at=dt.time(23, 59))
        for site in Site.objects.all()
        for day in range(7)
    )


@pytest.fixture
def demo(transactional_db: None) -> None:
    _load_demo()


def test_short_run_routes_chats_to_bots_and_leaves_people_alone(
    demo: None,
    asgi_server: str,  # noqa: F811
) -> None:
    out = io.StringIO()
    # In its own thread: the browser tests' Playwright keeps an event loop on this one, and
    # the command runs its own with asyncio.run.
    failure: list[BaseException] = []

    def run() -> None:
        try:
            call_command(
                "traffic",
                url=asgi_server,
                seconds=7,
                rate=12,  # commandes at 3600 an hour: one a second
                flat=True,
                bots=6,
                aht=2,
                patience=60,
                pace=0.1,
                no_breaks=True,
                status=2,
                wait=10,
                seed=3,
                stdout=out,
            )
        except BaseException as error:  # re-raised below, in the test's thread
            failure.append(error)
        finally:
            connection.close()

    runner = threading.Thread(target=run)
    runner.start()
    runner.join(timeout=120)
    assert not runner.is_alive(), "relais traffic did not stop"
    if failure:
        raise failure[0]
    text = out.getvalue()  # the status lines: what the run saw, shown when a check fails
    bots = {bot.username for bot in choose_bots(limit=6)[0]}
    contacts = Contact.objects.filter(queue__code__in=[q.code for q in DEMO_QUEUES])
    assert contacts.count() >= 3, text
    kinds = Counter(
        ContactEvent.objects.filter(contact__in=contacts).values_list("kind", flat=True)
    )
    assert kinds[EventKind.OFFER_MADE] >= 2
    assert kinds[EventKind.OFFER_ACCEPTED] >= 2, (kinds, text)
    assert kinds[EventKind.CONTACT_COMPLETED] >= 2
    wrap_ups = WrapUp.objects.select_related("agent__user", "reason")
    assert wrap_ups.count() >= 2, text
    assert {w.agent.user.username for w in wrap_ups} <= bots
    senders = Counter(
        ChatMessage.objects.filter(contact__in=contacts).values_list("sender", flat=True)
    )
    assert senders["customer"] >= 3
    assert senders["agent"] >= 2
    # people's agents untouched; the bots logged out at the end
    assert not ContactEvent.objects.filter(agent__user__username__in=FREE).exists()
    assert not Contact.objects.filter(agent__user__username__in=FREE).exists()
    presences = AgentPresence.objects.filter(agent__user__username__in=bots)
    assert presences.count() >= 3  # (a login may meet a locked in-memory test database)
    assert all(not presence.logged_in for presence in presences)
    assert "camille.durand" in text
    assert len(text.splitlines()) >= 4  # who is free, status lines (every 2 s), the end


def test_left_free_one_agent_per_site_and_bots_round_the_sites(db: None) -> None:
    _load_demo()
    bots, free = choose_bots(keep_free=["kevin.da-silva"], limit=4)
    assert set(free) >= FREE
    assert not {b.username for b in bots} & set(free)
    assert len({b.site for b in bots}) == 4
    everyone, left_free = choose_bots()
    assert len(everyone) == 80 - len(left_free)


def test_arrivals_and_breaks_come_from_the_simulator_models() -> None:
    start = time.time()
    line = Timeline(start, start, speed=1.0)
    options = Options(seed=5, flat=True, rate=1.0)
    day = 1_800_000_000 - 1_800_000_000 % 86400
    first = day_arrivals(options, line, day, DEMO_QUEUES)
    assert first == day_arrivals(options, line, day, DEMO_QUEUES)  # seeded
    hourly = sum(queue.peak_per_hour for queue in DEMO_QUEUES)
    assert 0.8 * 24 * hourly < len(first) < 1.2 * 24 * hourly
    fast = day_arrivals(
        Options(seed=5, flat=True, speed=12.0), Timeline(day, day, 12.0), day, DEMO_QUEUES
    )
    assert 0.8 * len(first) / 12 < len(fast) < 1.2 * len(first) / 12  # same rate per real hour
    plans = break_plan(line, ["Africa/Casablanca", "Europe/Paris"], start)
    reasons = [{pause.reason for pause in plan} for plan in plans]
    assert BreakReason.PRAYER in reasons[0]
    assert BreakReason.LUNCH in reasons[0]
    assert BreakReason.PRAYER not in reasons[1]
    assert BreakReason.LUNCH in reasons[1]


def test_demo_customers_write_emails_and_bots_answer_some(
    demo: None,
    asgi_server: str,  # noqa: F811
    settings: Any,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aiosmtpd.controller import Controller

    from relais.apps.email.models import MailMessage
    from relais.apps.email.receiver import receiver_start
    from relais.demo.mail import load_demo_mail
    from relais.demo.traffic import bots as demo_bots
    from relais.demo.traffic import mails
    from tests.apps.email.conftest import Relay, _free_port

    settings.MAIL_DIR = tmp_path
    load_demo_mail()
    relay = Relay()
    outgoing = Controller(relay, hostname="127.0.0.1", port=_free_port())
    outgoing.start()
    settings.MAIL_RELAY = f"127.0.0.1:{outgoing.port}"
    receiver = receiver_start("127.0.0.1", 0)
    monkeypatch.setattr(mails, "EVERY_S", (5.0, 10.0))  # times the pace: one every second
    monkeypatch.setattr(demo_bots, "EMAIL_ANSWERED", 1.0)
    out = io.StringIO()

    def run() -> None:  # in its own thread, as above
        try:
            call_command(
                "traffic", url=asgi_server, seconds=10, rate=0, flat=True, bots=6, aht=2,
                patience=60, pace=0.1, no_breaks=True, status=2, wait=10, seed=3,
                smtp=f"127.0.0.1:{receiver.port}", stdout=out,
            )  # fmt: skip
        finally:
            connection.close()

    runner = threading.Thread(target=run)
    try:
        runner.start()
        runner.join(timeout=120)
    finally:
        receiver.stop()
        outgoing.stop()
    assert not runner.is_alive(), "relais traffic did not stop"

    text = out.getvalue()
    received = MailMessage.objects.filter(direction="inbound")
    assert received.count() >= 3, text
    emails = Contact.objects.filter(queue__code="messages", channel="email")
    assert emails.count() >= 2, text
    bots = {bot.username for bot in choose_bots(limit=6)[0]}
    replies = MailMessage.objects.filter(direction="outbound").select_related("author")
    assert replies.count() >= 1, text
    assert {reply.author.username for reply in replies} <= bots
    assert "e-mails" in text or "courriels" in text
