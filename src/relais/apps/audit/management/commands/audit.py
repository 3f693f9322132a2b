"""`relais audit verify` and `relais audit anchor` (docs/security.md, "Audit log").

verify: walks the chain and holds it against the anchors; exits 1 with the reason when it
fails. anchor: verifies, then writes the chain's length and last digest to the anchor file
(and the log); exits 1 without anchoring when the chain fails."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.apps.audit.services import audit_anchor
from relais.apps.audit.verification import chain_verify


class Command(BaseCommand):
    help = "Verify the audit log against its key and anchors, or anchor it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "anchor"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "verify":
            verdict = chain_verify()
        else:
            verdict, anchor = audit_anchor()
            if anchor is not None:
                self.stdout.write(
                    f"anchored: {anchor.entries} entries, last #{anchor.last_id}, {anchor.digest}"
                )
        if not verdict.intact:
            raise CommandError(f"audit log verification FAILED: {verdict.message}", returncode=1)
        self.stdout.write(verdict.message)
