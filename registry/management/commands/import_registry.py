"""python manage.py import_registry {enterprises|insurance|persons} FILE [--report OUT.csv]
python manage.py import_registry --resume JOB_ID [--report OUT.csv]"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from registry.imports import IMPORTERS, FileUnreadable, import_job_create, import_job_run, read_file
from registry.models import ImportJob


class Command(BaseCommand):
    help = (
        "Import enterprises, insurance years or people from a CSV or XLSX export of the social-insurance system. "
        "Prints 'created N, updated N, unchanged N, rejected N'; exit 0 if the file was read, 2 if not. "
        "The file is written all or nothing; if the command is killed, the job is left without a heartbeat: the "
        "imports worker runs it again, or run it here with --resume JOB_ID."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", nargs="?", choices=sorted(IMPORTERS))
        parser.add_argument("file", nargs="?")
        parser.add_argument("--resume", type=int, metavar="JOB_ID", help="run again an import that was stopped")
        parser.add_argument("--report", help="write the row-level report (row, column, masked value, message) here")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["resume"]:
            job_id = options["resume"]
            if not ImportJob.objects.filter(pk=job_id).exists():
                raise CommandError(f"There is no import job {job_id}.")
        else:
            if not options["kind"] or not options["file"]:
                raise CommandError("Give the kind and the file, or --resume JOB_ID.")
            try:
                data, name = read_file(options["file"])
            except FileUnreadable as exc:
                raise CommandError(str(exc), returncode=2) from None
            job_id = import_job_create(kind=options["kind"], data=data, file_name=name, actor=None, send=False).pk
        self.stderr.write(f"import job {job_id}")
        job = import_job_run(job_id=job_id)
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(job.error, returncode=2)
        if job.status != ImportJob.Status.DONE:
            raise CommandError(
                f"import job {job_id} is {job.status} ({job.error or 'running elsewhere'}); "
                f"run it again with --resume {job_id}",
                returncode=3,
            )
        if options["report"]:
            Path(options["report"]).write_text(job.report, encoding="utf-8-sig")
        issues = list(csv.reader(io.StringIO(job.report)))[1:]
        for row, column, value, message in issues[:20]:
            self.stderr.write(f"row {row}, {column} ({value}): {message}")
        if len(issues) > 20:
            self.stderr.write(f"... {len(issues) - 20} more in the report")
        self.stdout.write(job.summary)
