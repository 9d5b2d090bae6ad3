"""The residents' claims demo: a couple of claims in the queue and one decided; running it twice adds nothing."""

from __future__ import annotations

import io

import pytest

from portal.demo.claims_people import USERNAME, seed
from subsidies.models import Case, CaseState

pytestmark = pytest.mark.django_db


def test_it_seeds_claims_once(caseworker) -> None:
    caseworker.username = "caseworker"
    caseworker.save()
    seed(stdout=io.StringIO())
    seed(stdout=io.StringIO())
    cases = Case.objects.filter(person__account__user__username=USERNAME)
    assert cases.count() == 4
    assert set(cases.values_list("state", flat=True)) == {CaseState.SUBMITTED, CaseState.FINAL}
