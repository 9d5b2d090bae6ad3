"""`{% load commitments %}`: the words of an evidence item a commitment stands for (subsidies.commitments)."""

from __future__ import annotations

from django import template

from subsidies.cases.states import GRANTED
from subsidies.commitments import item_label
from subsidies.models import Case, CommitmentCheck

register = template.Library()


@register.filter
def commitment_item(purpose: str) -> str:
    return item_label(purpose)


@register.filter
def commitment_check_may_open(case: Case) -> bool:
    """A granted case with commitments and no check yet: a check may be ordered outside the sample."""
    return case.state in GRANTED and not CommitmentCheck.objects.filter(case=case).exists()
