"""`relais router`: run the router alone (one active per database, others stand by)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext

from relais.apps.router.runner import run_until_signalled


class Command(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = gettext(
            "Run the router: route contacts to agents. With PostgreSQL, several may run: "
            "one is active, the others stand by and take over when it stops."
        )
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--poll",
            type=float,
            default=settings.ROUTER_POLL_S,
            help=gettext("Seconds between two looks at the event log when nothing wakes it."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run_until_signalled(poll_s=options["poll"])
