"""The enterprise-claims demo: claims in the queue, a decided intern, a recorded loan; running it twice adds nothing."""

from __future__ import annotations

import io

import pytest

from portal.demo import claims_enterprises as demo_claims_enterprises
from portal.roles import Role
from subsidies.models import Case, CaseKind, CaseState, Loan

pytestmark = pytest.mark.django_db


def test_it_seeds_enterprise_claims_and_a_loan_once(make_user):
    make_user(Role.PREFECTURE_OFFICER, username="officer")
    make_user(Role.COUNTY_CASEWORKER, county_code="654201", username="caseworker")
    demo_claims_enterprises.seed(stdout=io.StringIO())
    demo_claims_enterprises.seed(stdout=io.StringIO())
    assert Case.objects.filter(kind=CaseKind.INTERNSHIP, state=CaseState.FINAL).count() == 1
    assert Case.objects.filter(kind=CaseKind.INTERNSHIP, state=CaseState.SUBMITTED).count() == 1
    assert Case.objects.filter(kind=CaseKind.GUARANTEE_REFERRAL, state=CaseState.SUBMITTED).count() == 1
    assert Loan.objects.count() == 1
