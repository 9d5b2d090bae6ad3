"""（六） In-job training in enterprises in difficulty, 2019: the shortfall of the employee education fund covered by
the employment subsidy fund after county review.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import Enterprise
from subsidies.calculators.base import CENT, clause
from subsidies.cases.checks import Check
from subsidies.cases.states import EDITABLE
from subsidies.cases.workflow import case_draft_save, case_draft_start
from subsidies.measures.m01_stable_job_refund import hardship_list_includes
from subsidies.models import (
    Case,
    CaseKind,
)

SIX = clause("（六）")

# Clause （六） is limited to 2019 by the plan itself (not a local sample value).
IN_JOB_TRAINING_YEAR = 2019


def in_job_training_start(*, enterprise: Enterprise, answers: dict[str, Any], actor: Any) -> Case:
    case = case_draft_start(
        kind=CaseKind.IN_JOB_TRAINING, enterprise=enterprise, year=IN_JOB_TRAINING_YEAR, actor=actor
    )
    if case.state in EDITABLE:
        case = case_draft_save(case=case, answers=answers, actor=actor)
    return case


def in_job_training_evaluate(*, case: Case) -> tuple[list[Check], dict[str, Any] | None]:
    """Hardship list of 2019; shortfall = training costs - employee education fund (never below 0)."""
    answers = case.answers
    listed = hardship_list_includes(enterprise=case.enterprise, year=IN_JOB_TRAINING_YEAR)
    checks = [
        Check(
            "hardship_list",
            gettext_lazy("Recognised hardship enterprise (final hardship list of 2019)"),
            listed,
            _("On the final hardship list of 2019.")
            if listed
            else _(
                "The enterprise is not on a final hardship list of 2019: only recognised hardship enterprises qualify."
            ),
            SIX,
        ),
        Check(
            "window",
            gettext_lazy("Training in 2019"),
            case.year == IN_JOB_TRAINING_YEAR,
            _("In-job training support covers 2019 only."),
            SIX,
        ),
    ]
    try:
        costs = Decimal(str(answers.get("training_costs")))
        fund = Decimal(str(answers.get("education_fund")))
    except ArithmeticError:
        checks.append(Check("inputs", gettext_lazy("Figures"), False, _("Enter the costs and the fund."), SIX))
        return checks, None
    shortfall = max(Decimal(0), costs - fund)
    eligible = all(c.passed for c in checks) and shortfall > 0
    reasons = []
    if shortfall <= 0:
        failed = _("The employee education fund covers the training costs: there is no shortfall.")
        checks.append(Check("shortfall", gettext_lazy("Shortfall"), False, failed, SIX))
        reasons.append({"code": "no_shortfall", "failed": failed, "fix": "", "clause": SIX})
    amount = shortfall.quantize(CENT, rounding=ROUND_HALF_UP) if eligible else Decimal("0.00")
    calculation = {
        "policy": "in-job-training",
        "as_of": date(IN_JOB_TRAINING_YEAR, 12, 31).isoformat(),
        "eligible": eligible,
        "amount": f"{amount:.2f}",
        "currency": "CNY",
        "breakdown": [
            {"label": _("Training costs (yuan)"), "value": f"{costs:.2f}", "parameter": None, "clause": None},
            {"label": _("Employee education fund (yuan)"), "value": f"{fund:.2f}", "parameter": None, "clause": None},
            {"label": _("Shortfall (yuan)"), "value": f"{amount:.2f}", "parameter": None, "clause": SIX},
        ],
        "reasons": reasons,
        "citations": [SIX],
        "parameters": [],
    }
    return checks, calculation


def in_job_training_evaluate_case(case: Case) -> tuple[list[Check], dict[str, Any] | None]:
    return in_job_training_evaluate(case=case)
