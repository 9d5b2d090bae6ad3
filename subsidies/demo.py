"""Demo data of the subsidies app (called by `manage.py seed_demo` after registry.demo)."""

from __future__ import annotations

from typing import Any

from registry.models import InsuranceYear
from subsidies.demo_cases import seed_cases
from subsidies.demo_dashboard import seed_dashboard
from subsidies.measures.m01_stable_job_refund import refund_offers_compute


def seed(*, stdout: Any) -> None:
    """Idempotent: demo cases in every state and the dashboard's data. The offers come last (seed_offers)."""

    seed_cases(stdout=stdout)

    seed_dashboard(stdout=stdout)


def seed_offers(*, stdout: Any) -> None:
    """Idempotent: the 免申即享 offers for every year that follows an insurance year in the registry.

    Run after every other demo seed, so that enterprises they add get their offer in the same run.
    """
    years = sorted({year + 1 for year in InsuranceYear.objects.values_list("year", flat=True).distinct()})
    for year in years:
        run = refund_offers_compute(year=year)
        stdout.write(f"  refund offers {year}: {run.total} (免申即享, from insurance year {year - 1})")
