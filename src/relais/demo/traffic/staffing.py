"""Which bots work now: staffed like a planner would, to a share of the expected traffic.

Bots that all stay available leave nothing to people: with longest-idle routing a person
who goes available joins the end of the line, behind every idle bot, and waits until
each of them has had an offer (with the whole company logged in, minutes). So the bots
are staffed to the traffic instead, every half hour of the virtual day:

- the expected concurrent chats (Erlangs) are the chats per real hour the arrival model
  expects now (each queue's peak × `--rate` × the day's shape, or the peak with `--flat`)
  times the time a bot holds a chat (the mean handling time and its own delays);
- every site open then (its opening hours) has one bot on duty: Lille, the home agents
  and Bucharest in the day, Rabat always, alone in the evening, at night and on Sundays;
- more bots of open sites come on duty, in the order `choose_bots` gives (round the
  sites), while their chat slots (their chat capacity) are below `1 − people_share` of
  that load (the last one may pass it): a few chats wait a little, the overflow steps
  fire, and a person who goes available is offered the next waiting chat at once; where
  the load is light, the bots are few, so a person is soon at the head of the line.

A bot going off duty finishes its chats and logs out; one coming on duty logs in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from relais.demo.traffic.model import FLAT, INTERVAL_S, PARIS, DemoQueue, TrafficOptions
from relais.demo.traffic.state import BotAccount

#: Seconds a bot holds a chat beyond its handling time at pace 1: accepting, greeting,
#: closing words, choosing the outcome.
BOT_OVERHEAD_S = 10.0


def chats_per_hour(queues: Sequence[DemoQueue], options: TrafficOptions, virtual: float) -> float:
    """The chats per real hour the arrival model expects at virtual time `virtual`."""
    moment = datetime.fromtimestamp(virtual, ZoneInfo(PARIS))
    slot = int((moment.hour * 3600 + moment.minute * 60) // INTERVAL_S)
    return sum(
        queue.peak_per_hour * options.rate * (FLAT if options.flat else queue.shape)[slot]
        for queue in queues
    )


def expected_load(
    queues: Sequence[DemoQueue], options: TrafficOptions, virtual: float, pace: float = 1.0
) -> float:
    """Concurrent chats (Erlangs) the bots and people would hold at virtual time `virtual`."""
    holding_s = options.handling_mean_s + BOT_OVERHEAD_S * pace
    return chats_per_hour(queues, options, virtual) * holding_s / 3600


def on_duty(
    bots: Sequence[BotAccount], at: float, load: float, people_share: float
) -> list[BotAccount]:
    """The bots working at real time `at` (the server routes by real time), in the order of
    `bots`, among those whose site is open: the first of each open site, then more while
    their chat slots are below `(1 − people_share) × load`."""
    limit = load * (1 - people_share)
    open_now = [bot for bot in bots if bot.site_hours is None or bot.site_hours.is_open(at)]
    chosen: set[str] = set()
    sites: set[str] = set()
    held = 0
    for bot in open_now:  # every open site has someone on duty
        if bot.site not in sites:
            sites.add(bot.site)
            chosen.add(bot.username)
            held += bot.chat_capacity
    for bot in open_now:
        if held >= limit:
            break
        if bot.username not in chosen:
            chosen.add(bot.username)
            held += bot.chat_capacity
    return [bot for bot in open_now if bot.username in chosen]
