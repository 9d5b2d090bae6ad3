"""`{% load commitments %}`: the words of an evidence item a commitment stands for (subsidies.commitments)."""

from __future__ import annotations

from django import template

from subsidies.commitments import item_label

register = template.Library()


@register.filter
def commitment_item(purpose: str) -> str:
    return item_label(purpose)
