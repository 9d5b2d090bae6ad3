"""The back office's selectors: which cases a user sees."""

from __future__ import annotations

from typing import Any

from registry.access import county_scope
from subsidies.cases.states import S
from subsidies.models import (
    Case,
)


def cases_visible_to(user: Any) -> Any:
    """Back-office scoping: officers and auditors see every county, caseworkers their own."""
    cases = Case.objects.exclude(state=S.DRAFT).select_related("county", "enterprise", "person", "assignee")
    return county_scope(user, cases, "county")
