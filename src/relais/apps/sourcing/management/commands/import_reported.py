"""`relais import_reported --partner NAME figures.csv [--tolerance 0.001]`: import the daily
figures of a partner that keeps its own systems (docs/sourcing.md); audited, as the command
line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.apps.errors import RelaisError
from relais.apps.organisation.models import Partner
from relais.apps.sourcing.models import ImportChannel
from relais.apps.sourcing.parsing import csv_rows
from relais.apps.sourcing.services import reported_import
from relais.core.importing import DEFAULT_TOLERANCE


class Command(BaseCommand):
    help = "Import a partner's reported daily figures from a CSV file (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--partner", required=True, help="The partner's name.")
        parser.add_argument(
            "--tolerance",
            type=float,
            default=DEFAULT_TOLERANCE,
            help="Share of lines that may be skipped (0.001 = 0.1 %%); above it nothing is kept.",
        )

    def handle(
        self, *args: Any, file: Path, partner: str, tolerance: float, **options: Any
    ) -> None:
        found = Partner.objects.filter(name=partner).first()
        if found is None:
            raise CommandError(f"no partner named {partner!r}")
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        try:
            batch = reported_import(
                actor=None,
                partner=found,
                rows=((line, (line, row)) for line, row in csv_rows(content)),
                channel=ImportChannel.COMMAND,
                source=file.name,
                tolerance=tolerance,
            )
        except RelaisError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"{file.name}: {batch.lines} lines read, {batch.stored} days stored, "
            f"{batch.skipped} skipped"
        )
        for bad in batch.malformed:
            self.stdout.write(f"  line {bad['line']}: {bad['reason']}")
