"""（八） Skill-upgrade subsidy 技术技能提升补贴.

> 将技术技能提升补贴申领条件由企业在职职工参加失业保险 3 年以上放宽至参保 1 年以上 (塔行发〔2019〕16号（八）)

`insured_months` are months of unemployment-insurance contributions (参加失业保险), not of any insurance.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.utils.translation import gettext_lazy as _

from subsidies.calculators.base import Calc, Day, InputErrors, Inputs, Months, Result, clause, money

POLICY = "skill-upgrade"
CLAUSE = clause("（八）")
LEVEL_LABELS = {"junior": _("junior"), "intermediate": _("intermediate"), "senior": _("senior")}


class SkillUpgradeInputs(Inputs):
    application_date: Day
    certificate_level: Literal["junior", "intermediate", "senior"]
    certificate_date: Day
    insured_months: Months
    claimed_same_occupation_level: bool = False


def calculate(inputs: SkillUpgradeInputs, on: date | None = None) -> Result:
    if inputs.certificate_date > inputs.application_date:
        raise InputErrors([("certificate_date", _("The certificate date cannot be after the application date."))])
    calc = Calc(POLICY, on or inputs.application_date)
    calc.cite(CLAUSE)
    window = calc.param("skill_upgrade.relaxed_window")
    relaxed = window[0] <= inputs.application_date <= window[1]
    key = "skill_upgrade.insured_months_relaxed" if relaxed else "skill_upgrade.insured_months_normal"
    calc.param("skill_upgrade.insured_months_relaxed")
    required = calc.param(key)
    calc.line(
        _("Window of the relaxed condition"), f"{window[0]} .. {window[1]}", parameter="skill_upgrade.relaxed_window"
    )
    calc.line(_("Months of unemployment-insurance contributions"), inputs.insured_months)
    calc.line(_("Months of unemployment-insurance contributions required"), required, parameter=key)
    if inputs.insured_months < required:
        calc.fail(
            "insured_months_short",
            _("Unemployment-insurance contributions for %(months)s months; %(required)s are required.")
            % {"months": inputs.insured_months, "required": required},
            _("Apply once you have paid unemployment-insurance contributions for %(required)s months.")
            % {"required": required},
            clause=CLAUSE,
        )
    if inputs.claimed_same_occupation_level:
        calc.fail(
            "already_claimed",
            _("The subsidy was already claimed for this occupation and level."),
            _("It is paid once per occupation and level; a higher level can be claimed."),
            clause=CLAUSE,
        )
    amount_key = f"skill_upgrade.amount_{inputs.certificate_level}"
    amount = calc.param(amount_key)
    calc.cite(calc.source(amount_key))
    calc.line(
        _("Subsidy for a %(level)s certificate") % {"level": LEVEL_LABELS[inputs.certificate_level]},
        f"{money(amount):.2f}",
        parameter=amount_key,
        money=True,
    )
    return calc.result(amount, certificate_level=inputs.certificate_level)
