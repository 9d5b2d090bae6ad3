"""python manage.py backup [--output DIR]: the database and both file stores in one checked archive (portal.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database, the notices and the evidence uploads (their local directories or the S3 bucket)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="directory for the archive (default: BACKUP_ROOT)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup_create(directory=Path(options["output"]) if options["output"] else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{summary.path} ({summary.files} files)")
