"""The cross-check every measure returns: one fact checked against the registry or the rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.encoding import force_str

from registry.refusals import Refused


@dataclass(frozen=True)
class Check:
    """Passed (True), failed (False) or for the caseworker to verify (None), why, and the clause it applies."""

    code: str
    label: Any
    passed: bool | None
    reason: Any
    clause: str

    @property
    def failed(self) -> bool:
        return self.passed is False

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": force_str(self.label),
            "passed": self.passed,
            "reason": force_str(self.reason),
            "clause": self.clause,
        }


def failed_reasons(checks: list[Check]) -> str:
    return " ".join(force_str(c.reason) for c in checks if c.failed)


def refuse_failed(checks: list[Check]) -> None:
    """Refuse with the reasons of the failed checks, if any."""
    reasons = failed_reasons(checks)
    if reasons:
        raise Refused(reasons)
