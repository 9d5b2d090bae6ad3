"""Fixtures of the subsidies tests: the calculators as the API runs them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from subsidies.calculators import POLICIES, run


def _calc(policy: str, **data: Any) -> dict[str, Any]:
    return run(POLICIES[policy], data).as_dict()


@pytest.fixture(scope="session")
def calc() -> Callable[..., dict[str, Any]]:
    """calc("internship", **data) -> the JSON result of a policy's calculator, as the API returns it."""
    return _calc


@pytest.fixture(scope="session")
def refund() -> Callable[..., dict[str, Any]]:
    """refund(**overrides) -> the stable-job refund's result for a standard-track application of 2019-05-01."""

    def calculate(**overrides: Any) -> dict[str, Any]:
        data = {
            "application_date": "2019-05-01",
            "ui_premiums_paid_last_year": "10000.00",
            "ui_months_paid_in_full": 12,
            "insured_at_start": 1000,
            "insured_at_end": 1000,
            "retired_or_deceased": 0,
        }
        data.update(overrides)
        return _calc("stable-job-refund", **data)

    return calculate
