"""（三） The caseworker's page of an enterprise's start-up loan shows the registry's insured headcount."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from subsidies.cases import claims
from subsidies.measures import m03_startup_loan

pytestmark = pytest.mark.django_db


def test_三_caseworker_sees_the_registry_headcount_beside_the_declared_staff(
    officer, caseworker, client_for, make_enterprise, applicant_for
) -> None:
    host = make_enterprise(officer)  # 39 insured at the end of 2018
    owner, _client = applicant_for(host, "owner")
    case = m03_startup_loan.startup_loan_enterprise_start(
        enterprise=host,
        year=2019,
        answers={"requested_amount": "500000", "current_staff": 48, "new_qualifying_hires": 12, "contract_years": 1},
        actor=owner,
    )
    case = claims.claim_submit(case=case, token=uuid.uuid4(), actor=owner)
    page = client_for(caseworker).get(reverse("workbench:case", args=[case.pk])).content.decode()
    assert "在职职工人数与实名制数据核对" in page
    assert "申报职工48人；实名制数据显示2018年末参保39人。" in page
