"""（十） Unemployment-insurance benefit: duration by contribution years (失业保险条例 Art 17), the monthly amount (a
dated parameter, below the minimum wage and above 低保), the basic medical insurance premium paid by the fund for
the same months, and the end of the benefit from the month after re-employment.

The benefit is paid by the social-insurance system, not applied for on this portal: its periods are imported into
the registry (`registry.models.BenefitPeriod`), the public calculator shows what a person would receive
(`subsidies.calculators.ui_benefit`), and （七） refuses a living allowance for days inside a benefit period
(`subsidies.measures.m07_training.benefit_overlapping`).
"""

from __future__ import annotations

CALCULATOR = "ui-benefit"
