"""The impact of a parameter change before it takes effect (clause （十四）: funds are supervised).

`parameter_change_impact` recalculates every open case and every refund offer the proposed value could touch,
under an overlay of the proposed value on the parameter snapshot (subsidies.parameters.parameter_overlay), and
compares with what is stored. Nothing is written: the preview is a read. When the officer saves, the summary goes
into the audit row of parameter_add.

Which date a result is recalculated on: the day the new value starts, kept inside the year applied for (as a
case or offer calculated on that day would be) — so a change dated after a year leaves that year's cases alone.
Kinds without a recalculator here are counted as "not assessed", never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation

from registry.models import InsuranceYear
from registry.refusals import Refused
from subsidies.calculators.base import InputErrors
from subsidies.calculators.stable_job_refund import StableJobRefundInputs, calculate
from subsidies.cases.rules import rules_for
from subsidies.cases.states import UNDECIDED
from subsidies.measures.m01_stable_job_refund import within_year
from subsidies.models import Case, RefundOffer
from subsidies.parameters import ParameterNotInForce, parameter_overlay

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Change:
    """One case or offer whose amount or eligibility would change."""

    kind: str  # "case" or "offer"
    pk: int
    label: str
    county: str
    eligible_before: bool | None
    eligible_after: bool
    amount_before: Decimal
    amount_after: Decimal

    @property
    def difference(self) -> Decimal:
        return self.amount_after - self.amount_before

    @property
    def eligibility_changed(self) -> bool:
        return self.eligible_before is not None and self.eligible_before != self.eligible_after


@dataclass
class Impact:
    key: str
    value: str
    valid_from: date
    cases_checked: int = 0
    offers_checked: int = 0
    not_assessed: int = 0
    changes: list[Change] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.changes)

    @property
    def eligibility_changes(self) -> int:
        return sum(1 for c in self.changes if c.eligibility_changed)

    @property
    def total_difference(self) -> Decimal:
        return sum((c.difference for c in self.changes), ZERO)

    def summary(self) -> dict[str, Any]:
        """What goes into the audit row: counts and money, ids of what changes (no personal data)."""
        return {
            "cases_checked": self.cases_checked,
            "offers_checked": self.offers_checked,
            "not_assessed": self.not_assessed,
            "changed": self.count,
            "eligibility_changed": self.eligibility_changes,
            "total_difference": f"{self.total_difference:.2f}",
            "case_ids": [c.pk for c in self.changes if c.kind == "case"][:200],
            "offer_ids": [c.pk for c in self.changes if c.kind == "offer"][:200],
        }


def _stored(calculation: dict[str, Any] | None, amount: Decimal | None) -> tuple[bool | None, Decimal]:
    eligible = calculation.get("eligible") if calculation else None
    return eligible, amount if amount is not None else ZERO


def parameter_change_impact(*, key: str, value: Any, valid_from: date, valid_to: date | None = None) -> Impact:
    """What would change in open cases and refund offers if `key` took `value` from `valid_from`. Writes nothing."""
    impact = Impact(key=key, value=str(value), valid_from=valid_from)
    cases = Case.objects.filter(state__in=UNDECIDED).select_related("county", "enterprise").order_by("pk")
    # A confirmed offer is a case now (counted above while it is open) and the nightly run never changes it again.
    offers = RefundOffer.objects.filter(year__gte=valid_from.year, confirmed_at__isnull=True).select_related(
        "enterprise__county"
    )
    with (
        translation.override(settings.LANGUAGE_CODE),
        parameter_overlay(key=key, value=value, valid_from=valid_from, valid_to=valid_to),
    ):
        for case in cases.iterator(chunk_size=500):
            recalc = rules_for(case.kind).recalculate
            if recalc is None or case.calculation is None:
                impact.not_assessed += 1
                continue
            impact.cases_checked += 1
            try:
                result = recalc(case, valid_from)
            except (InputErrors, ParameterNotInForce, Refused, KeyError, TypeError, ValueError):
                # An application the calculator cannot rerun (answers of an older form): count, do not guess.
                impact.not_assessed += 1
                impact.cases_checked -= 1
                continue
            eligible_before, before = _stored(case.calculation, case.calculated_amount)
            after = Decimal(result["amount"])
            if after != before or (eligible_before is not None and eligible_before != result["eligible"]):
                impact.changes.append(
                    Change(
                        "case",
                        case.pk,
                        case.reference or "",
                        case.county.display_name,
                        eligible_before,
                        bool(result["eligible"]),
                        before,
                        after,
                    )
                )
        impact.changes.extend(_offer_changes(impact, offers, valid_from))
    return impact


def _offer_changes(impact: Impact, offers: Any, valid_from: date) -> list[Change]:
    """Offers (免申即享) recomputed as the nightly batch would on the day the value starts."""

    offers = list(offers)
    facts = {
        (row.enterprise_id, row.year): row
        for row in InsuranceYear.objects.filter(
            enterprise_id__in=[o.enterprise_id for o in offers], year__in={o.year - 1 for o in offers}
        )
    }
    changes = []
    for offer in offers:
        row = facts.get((offer.enterprise_id, offer.year - 1))
        if row is None:
            continue
        impact.offers_checked += 1
        as_of = within_year(valid_from, offer.year)
        inputs = StableJobRefundInputs.model_construct(
            application_date=as_of,
            track="standard",
            ui_premiums_paid_last_year=row.ui_premiums_paid,
            ui_months_paid_in_full=row.ui_months_paid_in_full,
            insured_at_start=row.insured_at_start,
            insured_at_end=row.insured_at_end,
            retired_or_deceased=row.retired_or_deceased,
            on_hardship_list=None,
            insured_employees=None,
            monthly_social_insurance_due=None,
            method=None,
        )
        result = calculate(inputs, as_of)
        if result.amount != offer.amount or result.eligible != offer.eligible:
            changes.append(
                Change(
                    "offer",
                    offer.pk,
                    f"{offer.enterprise.name} {offer.year}",
                    offer.enterprise.county.display_name,
                    offer.eligible,
                    result.eligible,
                    offer.amount,
                    result.amount,
                )
            )
    return changes
