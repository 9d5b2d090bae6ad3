"""The workbench's demo data: a case in every state in 塔城市 and published lists, the same on every run."""

from __future__ import annotations

import io

import pytest

from portal.roles import Role
from subsidies.demo_cases import seed_cases
from subsidies.models import Case, CaseState, NoticeListState, PublicNotice

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_case_in_every_state_and_runs_again_unchanged(make_user) -> None:
    make_user(Role.ENTERPRISE_APPLICANT, username="enterprise")
    make_user(Role.COUNTY_CASEWORKER, county_code="654201", username="caseworker")
    make_user(Role.PREFECTURE_OFFICER, username="officer")
    first, second = io.StringIO(), io.StringIO()
    seed_cases(stdout=first)
    states = set(Case.objects.filter(county__code="654201").values_list("state", flat=True))
    assert states == set(CaseState.values)
    assert set(PublicNotice.objects.values_list("state", flat=True)) == {
        NoticeListState.PUBLISHED,
        NoticeListState.FINAL,
    }
    count = Case.objects.count()
    seed_cases(stdout=second)
    assert Case.objects.count() == count
    assert first.getvalue() == second.getvalue()
