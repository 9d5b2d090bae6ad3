"""One access helper per model for the portal's case pages (staff and applicants).

A record outside the user's scope is a 404, never a 403, so its existence is not revealed.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from subsidies.cases import cases_visible_to
from subsidies.models import Case


def get_case_for_staff(user: Any, pk: int) -> Case:
    """A submitted case the back-office user may see: caseworkers their county's, officers and auditors all."""
    try:
        return cases_visible_to(user).get(pk=pk)
    except Case.DoesNotExist:
        raise Http404("no such case") from None
