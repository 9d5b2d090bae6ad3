"""Demo data of the subsidies app (called by `manage.py seed_demo` after registry.demo): the refund offers."""

from __future__ import annotations

from typing import Any

from registry.models import InsuranceYear
from subsidies.services import refund_offers_compute


def seed(*, stdout: Any) -> None:
    """Idempotent: compute the 免申即享 offers for every year that follows an insurance year in the registry."""
    years = sorted({year + 1 for year in InsuranceYear.objects.values_list("year", flat=True).distinct()})
    for year in years:
        run = refund_offers_compute(year=year)
        stdout.write(f"  refund offers {year}: {run.total} (免申即享, from insurance year {year - 1})")
    from subsidies.demo_cases import seed_cases

    seed_cases(stdout=stdout)
    from subsidies.demo_dashboard import seed_dashboard

    seed_dashboard(stdout=stdout)
