"""`relais traffic`: simulated customers and bot agents against a running server."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from relais.demo.company_data import DEMO_PASSWORD
from relais.demo.traffic.calls import DemoCalls
from relais.demo.traffic.churn import ChurnPolicy
from relais.demo.traffic.driver import Plan, run
from relais.demo.traffic.model import DEMO_QUEUES, PARIS, TrafficOptions
from relais.demo.traffic.net import wait_for_server
from relais.demo.traffic.setup import choose_bots, log_out_bots, usable_queues
from relais.demo.traffic.state import BotAccount, RunSettings
from relais.demo.voice import NUMBERS


def default_url() -> str:
    """The server `relais serve` runs by default: `RELAIS_HOST` and `RELAIS_PORT`."""
    host = os.environ.get("RELAIS_HOST", "127.0.0.1")
    if host in {"0.0.0.0", "::", ""}:  # noqa: S104 - listening everywhere: ask locally
        host = "127.0.0.1"
    return f"http://{host}:{os.environ.get('RELAIS_PORT', '8000')}"


def _start_at(text: str) -> float:
    """`HH:MM` today in Paris: where the virtual day starts."""
    try:
        hour, minute = (int(part) for part in text.split(":"))
        moment = dt.datetime.now(ZoneInfo(PARIS)).replace(
            hour=hour, minute=minute, second=0, microsecond=0
        )
    except ValueError as error:
        raise CommandError(gettext("--start expects HH:MM, e.g. 11:30")) from error
    return moment.timestamp()


class Command(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = gettext(
            "Demo traffic against a running Relais: simulated customers open chats in the "
            "demo queues and bot agents log in, accept, answer, wrap up and take breaks, "
            "with the simulator's arrival, handling-time and patience models. The bots on "
            "duty follow their sites' hours and the expected traffic, leaving a share of it "
            "and a few agents (camille.durand and one per site) to people. Stop with Ctrl-C."
        )
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        add = parser.add_argument
        add(
            "--url",
            default=default_url(),
            help=gettext("the server (default: RELAIS_HOST and RELAIS_PORT, else %(url)s)")
            % {"url": "http://127.0.0.1:8000"},
        )
        add("--seconds", type=float, help=gettext("stop after this many seconds"))
        add("--rate", type=float, default=1.0, help=gettext("multiplies every queue's rate"))
        add(
            "--speed",
            type=float,
            default=1.0,
            help=gettext("plays the day's profile and breaks this many times faster"),
        )
        add("--start", help=gettext("HH:MM (Paris): where the simulated day starts; default now"))
        add("--flat", action="store_true", help=gettext("the peak rate all day long"))
        add("--seed", type=int, default=1, help=gettext("random seed"))
        add("--bots", type=int, help=gettext("at most this many bot agents"))
        add(
            "--keep-free",
            default="",
            help=gettext("comma-separated usernames no bot plays (besides camille.durand)"),
        )
        add("--aht", type=float, default=90.0, help=gettext("mean handling time (s)"))
        add("--patience", type=float, default=180.0, help=gettext("mean patience (s)"))
        add("--no-breaks", action="store_true", help=gettext("bots take no break"))
        add(
            "--people-share",
            type=float,
            default=0.15,
            help=gettext("share of the expected chats the bots leave to people (0 to 1)"),
        )
        add(
            "--pace",
            type=float,
            default=1.0,
            help=gettext("multiplies the bots' and customers' reading and typing delays"),
        )
        add("--status", type=float, default=10.0, help=gettext("seconds between status lines"))
        add(
            "--churn",
            action="store_true",
            help=gettext(
                "people not always there: bots reload, lose their network or close their tab, "
                "customers reload, close the page or vanish (docs/presence.md)"
            ),
        )
        add(
            "--churn-report",
            help=gettext("write what the clients saw (absences, acknowledged messages) as JSON"),
        )
        add(
            "--smtp",
            default="",
            help=gettext("host:port of Relais's SMTP receiver: customers also write e-mails"),
        )
        add(
            "--no-calls",
            action="store_true",
            help=gettext("place no demo calls (by default: when `relais serve --voice` runs)"),
        )
        add("--wait", type=float, default=60.0, help=gettext("seconds to wait for the server"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rate"] < 0 or options["speed"] <= 0 or options["pace"] <= 0:
            raise CommandError(gettext("--rate must not be negative; --speed, --pace positive"))
        if options["aht"] <= 0 or options["patience"] <= 0:
            raise CommandError(gettext("--aht and --patience must be positive"))
        if not 0 <= options["people_share"] <= 1:
            raise CommandError(gettext("--people-share must be between 0 and 1"))
        queues = usable_queues(DEMO_QUEUES)
        keep_free = [name.strip() for name in options["keep_free"].split(",") if name.strip()]
        bots, free = choose_bots(keep_free=keep_free, limit=options["bots"])
        if not queues or not (bots or free):
            raise CommandError(gettext("No demo company here: run `relais demo` first."))
        log_out_bots(bots)  # still logged in after a run that was cut short: no offers to them
        base = options["url"].rstrip("/")
        plan = Plan(
            settings=RunSettings(
                base=base,
                password=DEMO_PASSWORD,
                pace=options["pace"],
                people_share=options["people_share"],
                smtp=options["smtp"],
                churn=ChurnPolicy(agent_grace_s=settings.AGENT_GRACE_S)
                if options["churn"]
                else None,
            ),
            options=TrafficOptions(
                rate=options["rate"],
                speed=options["speed"],
                seed=options["seed"],
                flat=options["flat"],
                handling_mean_s=options["aht"],
                patience_mean_s=options["patience"],
                breaks=not options["no_breaks"],
            ),
            bots=bots,
            queues=queues,
            seconds=options["seconds"],
            status_every_s=options["status"],
            start_virtual=_start_at(options["start"]) if options["start"] else None,
            calls=None if options["no_calls"] else DemoCalls.from_environment(),
        )
        self._say(
            gettext(
                "traffic: %(bots)d bot agents (on duty by their sites' hours and the "
                "traffic), queues %(queues)s, at %(url)s; left free for you "
                "(password %(password)s): %(free)s"
            )
            % {
                "bots": len(bots),
                "queues": ", ".join(queue.code for queue in queues),
                "url": base,
                "password": DEMO_PASSWORD,
                "free": ", ".join(free) or "-",
            }
        )
        if plan.calls is not None:
            self._say(
                gettext(
                    "traffic: customers call %(numbers)s now and then (SIPp through %(trunk)s); "
                    "the bots leave calls to you: be available in the desktop to take one"
                )
                % {"numbers": ", ".join(n.number for n in NUMBERS), "trunk": plan.calls.trunk}
            )
        try:
            asyncio.run(self._run(plan, options["wait"]))
        finally:
            if options["churn_report"]:
                plan.report.write(Path(options["churn_report"]))
            left = self._log_out(bots)
            if left:
                self._say(
                    gettext("traffic: %(count)d bot agents logged out directly (server gone).")
                    % {"count": left}
                )

    def _log_out(self, bots: list[BotAccount]) -> int:
        """A second Ctrl-C (or `relais serve` passing one on) must not cut this short."""
        try:
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        except ValueError:  # not the main thread
            return log_out_bots(bots)
        try:
            return log_out_bots(bots)
        finally:
            signal.signal(signal.SIGINT, previous)

    async def _run(self, plan: Plan, wait_s: float) -> None:
        if not await wait_for_server(plan.settings.base, wait_s):
            raise CommandError(
                gettext("No Relais server at %(url)s.") % {"url": plan.settings.base}
            )
        await run(plan, self._say)

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
