"""`relais backup --to DIR`: the database and the data directory's files (docs/production.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from relais.apps.operations.backup import BackupError, backup_write


class Command(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = gettext(
            "Back up the database (PostgreSQL: pg_dump; SQLite: its online backup) and the "
            "data directory's files (e-mail attachments, recorded prompts) into a new directory."
        )
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", type=Path, required=True, help=gettext("A new directory."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_write(options["to"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(manifest, indent=2))
