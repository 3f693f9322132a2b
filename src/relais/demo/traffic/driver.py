"""One run of the generator: the bots on duty (`staffing`) log in (staggered, like a team
arriving) and are replaced as the day goes on, customers arrive at the simulator's times,
a status line every few seconds, and a clean end on `--seconds` or Ctrl-C: no new
customer, waiting ones give up, bots finish the chats in hand and log out."""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext

from relais.demo.traffic.bots import Bot
from relais.demo.traffic.calls import DemoCalls, place_calls
from relais.demo.traffic.churn import ChurnReport
from relais.demo.traffic.customers import Customer, OpenQueues
from relais.demo.traffic.mails import mail_writers
from relais.demo.traffic.model import (
    DemoQueue,
    Timeline,
    TrafficOptions,
    break_plan,
    day_arrivals,
    first_day,
    next_day,
)
from relais.demo.traffic.staffing import expected_load, on_duty
from relais.demo.traffic.state import BotAccount, Counters, RunSettings, Shared

LOGINS_AT_ONCE = 4
ROSTER_EVERY_S = 30.0  # how often the bots on duty are reconsidered (real seconds)


@dataclass(frozen=True, slots=True)
class Plan:
    settings: RunSettings
    options: TrafficOptions
    bots: list[BotAccount]
    queues: list[DemoQueue]
    seconds: float | None = None  # None: until stopped
    status_every_s: float = 10.0
    start_virtual: float | None = None  # where the virtual day starts (None: now)
    report: ChurnReport = field(default_factory=ChurnReport)  # what the clients saw
    calls: DemoCalls | None = None  # the demo's telephone (calls.py), None: chats only


def status_line(counters: Counters, elapsed: float) -> str:
    minutes = max(elapsed / 60, 1 / 60)
    line = gettext(
        "traffic %(clock)s · agents %(online)d online, %(on_break)d on break · chats "
        "%(chats)d (%(per_minute).1f/min): %(waiting)d waiting, %(talking)d in conversation, "
        "%(served)d ended by the agent, %(abandoned)d abandoned, %(left)d messages left · "
        "%(messages)d messages · %(emails)d e-mails, %(email_replies)d answered"
    ) % {
        "clock": time.strftime("%H:%M:%S", time.gmtime(elapsed)),
        "online": counters.bots_online,
        "on_break": counters.bots_on_break,
        "chats": counters.customers,
        "per_minute": counters.customers / minutes,
        "waiting": counters.waiting,
        "talking": counters.talking,
        "served": counters.served,
        "abandoned": counters.abandoned,
        "left": counters.left_message,
        "messages": counters.customer_messages + counters.agent_messages,
        "emails": counters.emails,
        "email_replies": counters.email_replies,
    }
    if counters.calls:
        line += " · " + gettext("calls %(calls)d: %(on_line)d on the line") % {
            "calls": counters.calls,
            "on_line": counters.on_the_phone,
        }
    if counters.surveys_answered:
        line += " · " + gettext("%(surveys)d surveys answered") % {
            "surveys": counters.surveys_answered
        }
    if counters.errors:
        errors = ", ".join(f"{code} ×{n}" for code, n in counters.errors.most_common(4))
        line += " · " + gettext("refused: %(errors)s") % {"errors": errors}
    return line


async def _staff(shared: Shared, plan: Plan, timeline: Timeline) -> None:
    """Keep the bots on duty that `staffing.on_duty` wants: those coming on duty log in,
    those going off finish their chats and log out; at the end, wait for all of them."""
    zones = [bot.time_zone for bot in plan.bots]
    plans = break_plan(timeline, zones, time.time()) if plan.options.breaks else [[]] * len(zones)
    breaks = {bot.username: pauses for bot, pauses in zip(plan.bots, plans, strict=True)}
    gate = asyncio.Semaphore(LOGINS_AT_ONCE)
    working: dict[str, tuple[Bot, asyncio.Task[None]]] = {}
    leaving: dict[str, asyncio.Task[None]] = {}
    while not shared.stop.is_set():
        now = time.time()
        load = expected_load(plan.queues, plan.options, timeline.virtual(now), plan.settings.pace)
        wanted = on_duty(plan.bots, now, load, plan.settings.people_share)
        names = {bot.username for bot in wanted}
        for username, (bot, task) in list(working.items()):
            if username not in names or task.done():
                bot.off_duty.set()
                leaving[username] = task
                del working[username]
        for account in wanted:
            name = account.username
            if name in working or (name in leaving and not leaving[name].done()):
                continue
            bot = Bot(account, shared, breaks[name])
            working[name] = (bot, asyncio.create_task(bot.run(gate)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(shared.stop.wait(), ROSTER_EVERY_S)
    tasks = [task for _, task in working.values()] + list(leaving.values())
    if tasks:
        await asyncio.wait(tasks, timeout=plan.settings.grace_s + 10)


async def _arrivals(shared: Shared, plan: Plan, timeline: Timeline, began: float) -> None:
    customers: set[asyncio.Task[None]] = set()
    open_queues = OpenQueues(plan.settings.base)
    run_id = f"t{int(began)}"
    number = 0
    day = first_day(timeline, time.time())
    queues = tuple(plan.queues)
    while not shared.stop.is_set():
        for arrival in day_arrivals(plan.options, timeline, day, queues):
            if arrival.at < time.time():
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(shared.stop.wait(), arrival.at - time.time())
            if shared.stop.is_set():
                break
            number += 1
            task = asyncio.create_task(Customer(shared, arrival, number, run_id).run(open_queues))
            customers.add(task)
            task.add_done_callback(customers.discard)
        else:
            day = next_day(day)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(shared.stop.wait(), max(timeline.real(day) - time.time(), 0))
    if customers:
        await asyncio.wait(customers, timeout=plan.settings.grace_s + 5)


async def run(plan: Plan, print_line: Callable[[str], None]) -> Counters:
    """Run until `plan.seconds` have passed or the stop event is set (Ctrl-C)."""
    shared = Shared(plan.settings, rng=random.Random(plan.options.seed), report=plan.report)  # noqa: S311
    began = time.time()
    virtual0 = began if plan.start_virtual is None else plan.start_virtual
    timeline = Timeline(began, virtual0, plan.options.speed)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, shared.stop.set)
    staff = asyncio.create_task(_staff(shared, plan, timeline))
    arrivals = asyncio.create_task(_arrivals(shared, plan, timeline, began))
    parts = [arrivals, staff]
    if plan.calls is not None:
        parts.append(asyncio.create_task(place_calls(shared, plan.calls)))
    mails = (
        asyncio.create_task(mail_writers(shared, plan.settings.smtp))
        if plan.settings.smtp
        else None
    )
    deadline = None if plan.seconds is None else began + plan.seconds
    while not shared.stop.is_set():
        wait = plan.status_every_s
        if deadline is not None:
            wait = min(wait, max(deadline - time.time(), 0))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(shared.stop.wait(), wait)
        if deadline is not None and time.time() >= deadline:
            shared.stop.set()
        print_line(status_line(shared.counters, time.time() - began))
    print_line(gettext("traffic: stopping (the bots finish their chats and log out)…"))
    await asyncio.wait(parts, timeout=plan.settings.grace_s + 15)
    for task in (*parts, *([mails] if mails else [])):
        task.cancel()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.remove_signal_handler(signum)
    print_line(status_line(shared.counters, time.time() - began))
    return shared.counters
