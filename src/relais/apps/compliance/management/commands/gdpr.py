"""`relais gdpr erase|export|retention` (docs/privacy.md, "Erasure, export, retention").

  relais gdpr export CUSTOMER --reason R --by ADMIN [--out file.zip]
  relais gdpr erase CUSTOMER --reason R --by ADMIN [--yes]
  relais gdpr retention [--dry-run]

CUSTOMER is a customer key (`email:…`, `tel:+…`, `id:…`) or an address or a number. Erasure
asks to type the customer again unless --yes. Every request is audited under ADMIN (an
administrator's username)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.apps.accounts.models import User
from relais.apps.compliance.erasure import customer_erase
from relais.apps.compliance.export import customer_export
from relais.apps.compliance.retention import retention_apply
from relais.apps.errors import RelaisError


class Command(BaseCommand):
    help = "Erase or export a customer's personal data, or apply retention (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["erase", "export", "retention"])
        parser.add_argument("customer", nargs="?", default="")
        parser.add_argument("--reason", default="")
        parser.add_argument("--by", default="", help="the administrator's username")
        parser.add_argument("--out", default="", help="export: the zip file to write")
        parser.add_argument("--yes", action="store_true", help="erase without asking")
        parser.add_argument("--dry-run", action="store_true", help="retention: count only")

    def handle(self, *args: Any, action: str, customer: str, **options: Any) -> None:
        try:
            if action == "retention":
                counts = retention_apply(dry_run=options["dry_run"])
                prefix = "would scrub" if options["dry_run"] else "scrubbed"
                self.stdout.write(f"{prefix}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
                return
            if not customer:
                raise CommandError("name the customer: a key, an e-mail address or a number")
            actor = User.objects.filter(username=options["by"]).first()
            if actor is None:
                raise CommandError("--by: the username of the administrator making the request")
            if action == "export":
                self._export(actor, customer, options)
            else:
                self._erase(actor, customer, options)
        except RelaisError as error:
            raise CommandError(error.message, returncode=1) from error

    def _export(self, actor: User, customer: str, options: dict[str, Any]) -> None:
        archive = customer_export(actor=actor, given=customer, reason=options["reason"])
        out = Path(options["out"] or "customer-export.zip")
        out.write_bytes(archive)
        out.chmod(0o600)
        self.stdout.write(f"written: {out} ({len(archive)} bytes)")

    def _erase(self, actor: User, customer: str, options: dict[str, Any]) -> None:
        confirm = customer
        if not options["yes"]:
            self.stdout.write(f"Erase every personal datum of {customer}? Type it again: ")
            self.stdout.flush()
            confirm = sys.stdin.readline().strip()
        counts = customer_erase(
            actor=actor, given=customer, reason=options["reason"], confirm=confirm
        )
        self.stdout.write("erased: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
