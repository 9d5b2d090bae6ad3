"""Words for values the rules keep as keys: a parameter's name, an amount of money, a moment in Tacheng's time."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import timezone

from subsidies.documents import amount_in_chinese_capitals, format_yuan
from subsidies.parameters import DEFINITIONS

register = template.Library()


@register.filter
def parameter_label(key: str) -> Any:
    """stable_job_refund.ratio -> "Stable-job refund: share of last year's UI premiums" (the key if unknown)."""
    definition = DEFINITIONS.get(key)
    return definition.label if definition is not None else key


@register.filter
def yuan(value: Any) -> str:
    """40000 -> ¥40,000.00: money is written one way on every page and notice ("—" when there is none)."""
    if value in (None, ""):
        return "—"
    try:
        return format_yuan(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


@register.filter
def breakdown_value(line: Any) -> str:
    """A row of a calculation's breakdown: amounts in yuan written as money (¥40,000.00), other values as they are."""
    unit = line.get("unit") if isinstance(line, dict) else getattr(line, "unit", None)
    value = line.get("value") if isinstance(line, dict) else getattr(line, "value", "")
    return yuan(value) if unit == "yuan" else str(value)


@register.filter
def yuan_difference(value: Any) -> str:
    """A change of money with its sign: +¥4,800.00, −¥4,800.00, ¥0.00."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if amount > 0:
        return "+" + format_yuan(amount)
    if amount < 0:
        return "−" + format_yuan(-amount)
    return format_yuan(amount)


@register.filter
def yuan_in_words(value: Any) -> str:
    """40000 -> 肆万元整, as on the approval notice."""
    try:
        return amount_in_chinese_capitals(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return ""


@register.filter
def local_moment(value: Any) -> Any:
    """An aware datetime or an ISO timestamp, in Asia/Shanghai: 2026-12-02 06:19 (never a UTC ISO string)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            return value.strftime("%Y-%m-%d %H:%M")
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value
