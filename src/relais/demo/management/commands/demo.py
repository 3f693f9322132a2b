"""`relais demo`: migrate, load the demo company, print the accounts to log in with."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext

from relais.apps.accounts.models import Role
from relais.demo.briefings import load_demo_briefings
from relais.demo.canned import load_demo_canned
from relais.demo.company import DemoAccount, DemoSummary, load_demo_company
from relais.demo.company_data import COMPANY_NAME
from relais.demo.contracts import load_demo_contracts
from relais.demo.faq import load_demo_faq
from relais.demo.mail import load_demo_mail
from relais.demo.quality import load_demo_quality
from relais.demo.queues import load_demo_queues
from relais.demo.shifts import load_demo_shifts
from relais.demo.sourcing import load_demo_sourcing
from relais.demo.staffing import load_demo_staffing
from relais.demo.surveys import load_demo_surveys
from relais.demo.voice import load_demo_voice


class Command(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = gettext(  # here, not at import, so it is in the active language
            "Migrate the database, then load the demo company Maison Lumière. "
            "Running it again changes nothing, except restoring the demo data and passwords."
        )
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all",
            action="store_true",
            help=gettext("List every agent account, not one per team."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command(
            "migrate",
            interactive=False,
            verbosity=max(options["verbosity"] - 1, 0),
            stdout=self.stdout,
        )
        summary = load_demo_company()
        load_demo_queues()
        load_demo_voice()
        load_demo_canned()
        load_demo_faq()
        load_demo_surveys()
        load_demo_shifts()  # before the statements: hours billed by the productive hour
        load_demo_quality()
        load_demo_mail()
        load_demo_staffing()
        load_demo_briefings()
        load_demo_contracts()
        load_demo_sourcing()
        self.stdout.write(
            gettext(
                "Demo company “%(company)s” ready: %(created)d objects created, "
                "%(updated)d updated, %(unchanged)d unchanged."
            )
            % {
                "company": COMPANY_NAME,
                "created": summary.total("created"),
                "updated": summary.total("updated"),
                "unchanged": summary.total("unchanged"),
            }
        )
        self.stdout.write("")
        self.stdout.write(self._table(summary, every_agent=options["all"]))

    def _table(self, summary: DemoSummary, *, every_agent: bool) -> str:
        shown, hidden = _accounts_to_show(summary.accounts, every_agent=every_agent)
        header = (
            gettext("Username"),
            gettext("Role"),
            gettext("Name"),
            gettext("Scope"),
            gettext("Password"),
        )
        rows = [(a.username, str(a.role.label), a.name, a.scope, summary.password) for a in shown]
        widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
        rule = "  ".join("-" * width for width in widths)
        title = "  ".join(
            cell.ljust(width) for cell, width in zip(header, widths, strict=True)
        ).rstrip()
        table = [title, rule, *lines]
        if hidden:
            table += [
                "",
                gettext("…and %(count)d more agent accounts, same password (list them with --all).")
                % {"count": hidden},
            ]
        table += [
            "",
            gettext(
                "Administrators, directors and partner managers set up a second factor at their "
                "first sign-in: scan the QR code shown with an authenticator app."
            ),
        ]
        return "\n".join(table)


def _accounts_to_show(
    accounts: list[DemoAccount], *, every_agent: bool
) -> tuple[list[DemoAccount], int]:
    """Every account but agents, and the first agent of each team unless `every_agent`."""
    shown, teams_seen, hidden = [], set(), 0
    for account in accounts:
        if account.role != Role.AGENT or every_agent or account.scope not in teams_seen:
            shown.append(account)
            if account.role == Role.AGENT:
                teams_seen.add(account.scope)
        else:
            hidden += 1
    return shown, hidden
