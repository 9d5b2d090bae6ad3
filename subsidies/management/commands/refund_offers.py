"""`manage.py refund_offers --year Y`: 免申即享 offers of the stable-job refund from insurance year Y-1."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from subsidies.measures.m01_stable_job_refund import refund_offers_compute


class Command(BaseCommand):
    help = "Compute the standard-track stable-job refund offer of every enterprise with an insurance year Y-1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=None, help="The offer year (default: this year).")
        parser.add_argument(
            "--recompute",
            action="store_true",
            help="Compute every offer not confirmed, even those whose facts and rules are unchanged "
            "(after the translations of the reasons changed).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"] or timezone.localdate().year
        started = time.perf_counter()
        run = refund_offers_compute(year=year, recompute=options["recompute"])
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Refund offers {year} (insurance year {year - 1}): {run.created} created, {run.updated} changed, "
            f"{run.unchanged} unchanged, {run.deleted} removed in {seconds:.1f} s "
            f"({run.withdrawn} of the changed withdrawn, {run.confirmed} confirmed and kept, "
            f"{run.computed} computed, the others skipped unchanged)."
        )
