"""`relais health --process KIND`: the health of a kind of process, checked from here.

For a probe that cannot reach a health listener (cron, a monitoring agent): it runs the
process kind's checks in this process and exits 0 (ready) or 1. For the router and voice it
says whether some process holds the role's lock (PostgreSQL), as this one holds none."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from relais.apps.operations.health import PROCESS_KINDS, Check, Health, process_health


class Command(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = gettext(
            "Check the health of a kind of Relais process (web, router, voice, jobs) from "
            "here; exit status 0 when ready."
        )
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--process", choices=PROCESS_KINDS, default="web")

    def handle(self, *args: Any, **options: Any) -> None:
        process = options["process"]
        health = process_health(process) if process in {"web", "jobs"} else _from_outside(process)
        self.stdout.write(json.dumps(health.as_dict(), indent=2))
        if not health.ready:
            raise CommandError(gettext("%(process)s: unhealthy") % {"process": process})


def _from_outside(process: str) -> Health:
    """Router or voice seen from another process: its dependencies, and an active one."""
    from django.db import connection

    from relais.apps.operations.health import (
        channel_layer_check,
        database_check,
        kamailio_check,
        rtpengine_check,
    )

    checks = [database_check()]
    checks += (
        [channel_layer_check()] if process == "router" else [rtpengine_check(), kamailio_check()]
    )
    if checks[0].ok and connection.vendor == "postgresql":
        from relais.apps.operations.queries import advisory_locks_held
        from relais.apps.router.runner import LOCK_KEY as ROUTER_LOCK
        from relais.apps.voice.b2bua.runner import LOCK_KEY as VOICE_LOCK

        key = ROUTER_LOCK if process == "router" else VOICE_LOCK
        held = key in advisory_locks_held([key])
        checks.append(
            Check(process, ok=held, detail="an active process" if held else "none active")
        )
    return Health(process, tuple(checks))
