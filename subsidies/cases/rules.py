"""What each kind of case brings to the shared workflow, as one row per kind (`KindRules`).

The table itself is `subsidies.kinds.KINDS`, which names each kind's measure, calculator, checks and effects; it is
installed once, explicitly, when the app is ready (`SubsidiesConfig.ready`). The workflow asks `rules_for(kind)`
instead of testing the kind: no `if kind == ...` chain and no list of hooks filled by imports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from subsidies.models import Case


class Fund(models.TextChoices):
    """The fund a kind of case is paid from (clause （十四）: funds are supervised)."""

    UNEMPLOYMENT_INSURANCE = "ui_fund", _("Unemployment-insurance fund")
    EMPLOYMENT_SUBSIDY = "employment_subsidy_fund", _("Employment subsidy fund")
    GUARANTEED_LOANS = "guaranteed_loans", _("Guaranteed loans (bank funds, not a subsidy)")


@dataclass(frozen=True)
class KindRules:
    """One kind of case: its clause, its measure's answers to the workflow's questions, and its fund."""

    kind: str
    clause: str  # the clause of the plan, as cited everywhere: "（七）"
    reference_prefix: str  # WG-654201-2019-000123
    fund: str
    calculator: str | None = None  # key of subsidies.calculators.POLICIES
    published_as: str | None = None  # the NoticeListKind of its 公示 list; None: approval is the final decision
    # Before a draft is submitted, under the case lock: store the calculation or refuse (Refused).
    prepare_submit: Callable[[Case], None] | None = None
    # An enterprise claim's cross-checks and calculation from the facts as they are now.
    evaluate: Callable[[Case], tuple[list[Any], dict[str, Any] | None]] | None = None
    # The cross-checks shown beside a resident's claim.
    checks: Callable[[Case], list[Any]] | None = None
    # A returned resident claim corrected: (answers, calculation) from the form's data, or Refused.
    resubmit: Callable[[Case, dict[str, Any]], tuple[dict[str, Any], dict[str, Any]]] | None = None
    # Effects inside the transaction of the approval / of the finalisation.
    on_approve: Callable[[Case], None] | None = None
    on_final: Callable[[Case], None] | None = None
    # Undo what approval wrote elsewhere when the decision is revoked (告知承诺制), in the revocation's transaction.
    on_revoke: Callable[[Case, Any], None] | None = None
    # The calculation again under other rules (the impact preview of a parameter change).
    recalculate: Callable[[Case, date], dict[str, Any]] | None = None
    # What the applicant reads once the case is final, when it differs from the general words.
    final_step: Any = None
    # Keep the uploaded certificate with the claim (training, skill upgrade).
    takes_certificate: bool = False


_TABLE: dict[str, KindRules] = {}


def install(table: dict[str, KindRules]) -> None:
    """Install the kinds table (subsidies.kinds.KINDS); called once by SubsidiesConfig.ready."""
    _TABLE.clear()
    _TABLE.update({str(kind): rules for kind, rules in table.items()})


def rules_for(kind: str) -> KindRules:
    return _TABLE[str(kind)]


def kinds_where(predicate: Callable[[KindRules], bool]) -> list[str]:
    """The kinds whose rules satisfy `predicate`, e.g. those published for public notice."""
    return [kind for kind, rules in _TABLE.items() if predicate(rules)]
