"""python manage.py import_registry {enterprises|insurance|persons} FILE [--report OUT.csv]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from registry.imports import IMPORTERS, FileUnreadable, import_file, read_file
from registry.models import ImportJob


class Command(BaseCommand):
    help = (
        "Import enterprises, insurance years or people from a CSV or XLSX export of the social-insurance system. "
        "Prints 'created N, updated N, unchanged N, rejected N'; exit 0 if the file was read, 2 if not."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("file")
        parser.add_argument("--report", help="write the row-level report (row, column, masked value, message) here")

    def handle(self, *args: Any, **options: Any) -> None:
        kind, path = options["kind"], options["file"]
        try:
            data, name = read_file(path)
            job = ImportJob.objects.create(kind=kind, file_name=name[:200], status=ImportJob.Status.RUNNING)
            try:
                result = import_file(kind, data, name, actor=None, job=job)
            except FileUnreadable as exc:
                ImportJob.objects.filter(pk=job.pk).update(
                    status=ImportJob.Status.FAILED, error=str(exc), finished_at=timezone.now()
                )
                raise
        except FileUnreadable as exc:
            raise CommandError(str(exc), returncode=2) from None
        job.status = ImportJob.Status.DONE
        job.finished_at = timezone.now()
        job.total_rows = job.processed_rows = result.rows
        job.created, job.updated, job.unchanged, job.rejected = (
            result.created,
            result.updated,
            result.unchanged,
            result.rejected,
        )
        job.report = result.report_csv()
        job.save()
        if options["report"]:
            Path(options["report"]).write_text(result.report_csv(), encoding="utf-8-sig")
        for issue in result.issues[:20]:
            self.stderr.write(f"row {issue.row}, {issue.column} ({issue.value}): {issue.message}")
        if len(result.issues) > 20:
            self.stderr.write(f"... {len(result.issues) - 20} more in the report")
        self.stdout.write(result.summary)
