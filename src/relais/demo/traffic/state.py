"""What the bots and customers of one run share: the run's settings, the bots' accounts,
counters for the status line, and the handling time drawn for each contact (found by the
customer's first message, which the agent's desktop shows with its `client_id`)."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field

from relais.core.routing import Schedule
from relais.demo.traffic.churn import ChurnPolicy, ChurnReport


@dataclass(frozen=True, slots=True)
class BotAccount:
    """A demo agent a bot plays: who, where, how many chats at once, their site's hours."""

    username: str
    first_name: str
    site: str
    time_zone: str
    chat_capacity: int = 3
    site_hours: Schedule | None = None  # None: always open


@dataclass(frozen=True, slots=True)
class RunSettings:
    base: str  # http://127.0.0.1:8000
    password: str
    pace: float = 1.0  # multiplies every human-like delay (reading, typing, thinking)
    people_share: float = 0.15  # of the expected chats, left to people (docs/demo.md)
    grace_s: float = 20.0  # at the end: time for chats in progress to close
    churn: ChurnPolicy | None = None  # people not always there (churn.py)
    smtp: str = ""  # host:port of Relais's SMTP receiver: customers write e-mails (mails.py)


@dataclass
class Counters:
    bots_online: int = 0
    bots_on_break: int = 0
    customers: int = 0  # chats started
    waiting: int = 0
    talking: int = 0
    served: int = 0  # the agent ended the chat
    abandoned: int = 0
    left_message: int = 0
    emails: int = 0  # sent to the demo company's address
    email_replies: int = 0  # written by the bots
    offers: int = 0
    accepted: int = 0
    wrapped_up: int = 0
    customer_messages: int = 0
    agent_messages: int = 0
    breaks: int = 0
    calls: int = 0  # demo calls placed (calls.py)
    on_the_phone: int = 0  # callers on the line now
    surveys_answered: int = 0
    errors: Counter[str] = field(default_factory=Counter)


@dataclass
class Shared:
    settings: RunSettings
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    counters: Counters = field(default_factory=Counters)
    handling: dict[str, float] = field(default_factory=dict)  # first client_id -> seconds
    report: ChurnReport = field(default_factory=ChurnReport)  # what the clients saw
    rng: random.Random = field(default_factory=lambda: random.Random(1))  # noqa: S311 - simulation, not secrets

    def delay(self, low: float, high: float) -> float:
        return self.rng.uniform(low, high) * self.settings.pace

    async def sleep(self, low: float, high: float) -> None:
        await asyncio.sleep(self.delay(low, high))
