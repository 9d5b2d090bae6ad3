"""Building blocks for the enterprise-claim tests: a host with an approved internship base, claims, decisions."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from subsidies.cases import claims
from subsidies.cases.workflow import case_approve, case_claim
from subsidies.measures import m05_internship
from subsidies.models import Case
from tests.subsidies.cases_helpers import enterprise

# POLICY.md test numbers: born 1985-03-15, 1998-07-08, 1992-11-22, 1988-08-08.
ID_1985 = "654201198503150018"
ID_1998 = "654202199807080021"


def decided(case: Case, caseworker: Any, **kwargs: Any) -> Case:
    case_claim(case=case, actor=caseworker)
    return case_approve(case=case, actor=caseworker, **kwargs)


def approved_base(applicant: Any, ent: Any, caseworker: Any) -> Case:
    case = m05_internship.internship_base_start(
        enterprise=ent,
        answers={"positions": "出纳助理", "capacity": 3, "supervisor": "李娜 13800000000"},
        actor=applicant,
    )
    case = claims.claim_submit(case=case, token=uuid.uuid4(), actor=applicant)
    return decided(case, caseworker)


def intern_claim(applicant: Any, ent: Any, **overrides: Any) -> Case:
    facts: dict[str, Any] = {
        "id_number": ID_1998,
        "intern_name": "阿依古丽·买买提",
        "category": "youth",
        "start_date": date(2019, 3, 1),
        "months": 6,
        "host_monthly_pay": Decimal("1000.00"),
        "accident_policy_number": "PICC-2019-0001",
    }
    facts.update(overrides)
    return m05_internship.internship_claim_save(enterprise=ent, actor=applicant, **facts)


__all__ = ["ID_1985", "ID_1998", "approved_base", "decided", "enterprise", "intern_claim"]
