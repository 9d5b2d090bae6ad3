"""python manage.py restore ARCHIVE --yes: replace the database and both file stores with a backup's content."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a `manage.py backup` archive: every file is checked against the manifest first; then the database, "
        "the notices and the evidence uploads are REPLACED. Stop web, workers and beat before, start them after."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="confirm that the current data is to be replaced")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("This replaces the current data: run it again with --yes.")
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"No such archive: {archive}")
        try:
            restored = backup_restore(archive_path=archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"restored the database and {restored['files']} files from {archive}")
