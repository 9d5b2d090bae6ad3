"""`manage.py case_tallies_rebuild`: recompute the dashboard's case tallies from the cases (subsidies.summaries).

Needed only after cases were written behind the workflow's back (a restore, a hand-made fix, a benchmark's bulk
load): every transition keeps the tallies itself.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from subsidies.summaries import rebuild


class Command(BaseCommand):
    help = "Recompute the dashboard's case tallies from the cases, in one transaction."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default="default", help="The database alias to rebuild (default: default).")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        rows = rebuild(using=options["database"])
        self.stdout.write(f"{rows} tally rows from the cases in {time.perf_counter() - started:.1f} s")
