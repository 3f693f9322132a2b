"""`relais restore --from DIR`: a backup into an empty database and data directory, then the
rows counted again and the audit chain verified (docs/production.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from relais.apps.operations.backup import BackupError, restore_read


class Command(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = gettext(
            "Restore a backup of `relais backup` into an empty database and data directory, "
            "then check its rows and audit chain."
        )
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from", dest="source", type=Path, required=True, help=gettext("The backup.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            found = restore_read(options["source"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(found, indent=2))
        if not (found["rows_match"] and found["audit_chain_intact"]):
            raise CommandError(gettext("The restored data differs from the backup."))
