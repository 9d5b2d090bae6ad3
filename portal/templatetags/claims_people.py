"""Template tags of the residents' claims: the list a resident's pages include (templates/portal/claims/people/)."""

from __future__ import annotations

from typing import Any

from django import template

from subsidies.cases.claims import person_cases, resident_claims

register = template.Library()


@register.simple_tag
def claims_of(person: Any) -> list[Any]:
    """The person's submitted claims (training, living allowance, skill upgrade, start-up loan) with next steps."""
    return resident_claims(person) if person is not None else []


@register.simple_tag
def cases_of(person: Any) -> list[Any]:
    """Every submitted case of the person, for the real-name file."""
    return person_cases(person) if person is not None else []
