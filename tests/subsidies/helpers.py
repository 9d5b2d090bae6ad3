from __future__ import annotations

from typing import Any

from subsidies.calculators import POLICIES, run


def calc(policy: str, **data: Any) -> dict[str, Any]:
    """The JSON result of a policy's calculator, as the API returns it."""
    return run(POLICIES[policy], data).as_dict()


def refund(**overrides: Any) -> dict[str, Any]:
    data = {
        "application_date": "2019-05-01",
        "ui_premiums_paid_last_year": "10000.00",
        "ui_months_paid_in_full": 12,
        "insured_at_start": 1000,
        "insured_at_end": 1000,
        "retired_or_deceased": 0,
    }
    data.update(overrides)
    return calc("stable-job-refund", **data)
