"""（六） In-job training in enterprises in difficulty, 2019: the shortfall of the employee education fund covered by
the employment subsidy fund after county review.

> 2019年1月1日至12月31日，困难企业可组织开展职工在岗培训，所需经费按规定从企业职工教育经费中列支，不足部分经
> 所在地县级以上人力资源和社会保障部门审核评估合格后，可由就业补助资金予以适当支持。 (塔行发〔2019〕16号（六）)

"适当支持" is a judgement, not the whole shortfall: the calculation proposes a ceiling (a dated share of the
shortfall, parameter in_job_training.support_share_cap), the county's caseworker assesses the training and approves
at most that (an approval above it is refused); the course must run inside the window in_job_training.window
(2019-01-01..2019-12-31) (docs/interpretations.md, （六）).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import Enterprise
from registry.refusals import Refused
from subsidies.calculators.base import CENT, clause
from subsidies.cases.checks import Check
from subsidies.cases.claims import as_day
from subsidies.cases.states import EDITABLE
from subsidies.cases.workflow import case_draft_save, case_draft_start
from subsidies.measures.m01_stable_job_refund import hardship_list_includes
from subsidies.models import (
    Case,
    CaseKind,
)
from subsidies.parameters import ParameterNotInForce, value_in_force

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


def support_share_cap() -> Decimal:
    """The most support as a share of the shortfall (dated parameter, sample), in force on the last day of 2019."""
    try:
        return value_in_force("in_job_training.support_share_cap", on=date(IN_JOB_TRAINING_YEAR, 12, 31))
    except ParameterNotInForce:
        return Decimal(0)


def course_window_check(answers: dict[str, Any]) -> Check:
    """（六） "2019年1月1日至12月31日": the course's first and last days both inside the window."""
    label = gettext_lazy("Training inside the window of the measure")
    try:
        start, end = as_day(answers["training_start"]), as_day(answers["training_end"])
    except (KeyError, TypeError, ValueError):
        return Check("window", label, False, _("Enter the first and last days of the training."), SIX)
    try:
        first, last = value_in_force("in_job_training.window", on=start)
    except ParameterNotInForce:
        first, last = date(IN_JOB_TRAINING_YEAR, 1, 1), date(IN_JOB_TRAINING_YEAR, 12, 31)
    inside = first <= start <= end <= last
    reason = (
        _("The training from %(start)s to %(end)s lies inside %(first)s to %(last)s.")
        if inside
        else _("The training from %(start)s to %(end)s is not inside %(first)s to %(last)s.")
    ) % {"start": start, "end": end, "first": first, "last": last}
    return Check("window", label, inside, reason, SIX)


def in_job_training_evaluate(*, case: Case) -> tuple[list[Check], dict[str, Any] | None]:
    """Hardship list of 2019, course inside the window; shortfall = training costs - employee education fund (never
    below 0); the proposed support is the ceiling, a share of the shortfall, for the county to judge."""
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
        course_window_check(answers),
    ]
    try:
        costs = Decimal(str(answers.get("training_costs")))
        fund = Decimal(str(answers.get("education_fund")))
    except ArithmeticError:
        checks.append(Check("inputs", gettext_lazy("Figures"), False, _("Enter the costs and the fund."), SIX))
        return checks, None
    shortfall = max(Decimal(0), costs - fund)
    share = support_share_cap()
    ceiling = (shortfall * share).quantize(CENT, rounding=ROUND_HALF_UP)
    eligible = all(c.passed for c in checks) and shortfall > 0
    reasons = []
    if shortfall <= 0:
        failed = _("The employee education fund covers the training costs: there is no shortfall.")
        checks.append(Check("shortfall", gettext_lazy("Shortfall"), False, failed, SIX))
        reasons.append({"code": "no_shortfall", "failed": failed, "fix": "", "clause": SIX})
    checks.append(
        Check(
            "county_review",
            gettext_lazy("County review and assessment of the training"),
            None,
            _(
                "Assess the training (审核评估) and decide the support: at most %(ceiling)s, %(share)s of the "
                "shortfall of %(shortfall)s."
            )
            % {"ceiling": f"{ceiling:.2f}", "share": share, "shortfall": f"{shortfall:.2f}"},
            SIX,
        )
    )
    amount = ceiling if eligible else Decimal("0.00")
    calculation = {
        "policy": "in-job-training",
        "as_of": date(IN_JOB_TRAINING_YEAR, 12, 31).isoformat(),
        "eligible": eligible,
        "amount": f"{amount:.2f}",
        "currency": "CNY",
        "breakdown": [
            {"label": _("Training costs (yuan)"), "value": f"{costs:.2f}", "parameter": None, "clause": None},
            {"label": _("Employee education fund (yuan)"), "value": f"{fund:.2f}", "parameter": None, "clause": None},
            {"label": _("Shortfall (yuan)"), "value": f"{shortfall:.2f}", "parameter": None, "clause": SIX},
            {
                "label": _("Most support as a share of the shortfall"),
                "value": str(share),
                "parameter": "in_job_training.support_share_cap",
                "clause": SIX,
            },
            {
                "label": _("Most that may be approved after the county's assessment (yuan)"),
                "value": f"{amount:.2f}",
                "parameter": None,
                "clause": SIX,
            },
        ],
        "reasons": reasons,
        "citations": [SIX],
        "parameters": [],
    }
    return checks, calculation


def in_job_training_evaluate_case(case: Case) -> tuple[list[Check], dict[str, Any] | None]:
    return in_job_training_evaluate(case=case)


def in_job_training_on_approve(case: Case) -> None:
    """（六） "适当支持": the county approves at most the ceiling the calculation proposed."""
    ceiling = case.calculated_amount
    if ceiling is not None and case.approved_amount is not None and case.approved_amount > ceiling:
        raise Refused(
            _("In-job training support is at most %(ceiling)s for this case (a share of the shortfall).")
            % {"ceiling": f"{ceiling:.2f}"},
            field="amount",
        )
