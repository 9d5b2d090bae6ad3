"""Building blocks for case tests: an enterprise with last year's insurance facts and a submitted refund case."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from registry.models import County
from registry.services import enterprise_register, insurance_year_record
from subsidies.cases.workflow import case_draft_save, case_draft_start, case_submit
from subsidies.models import Case, CaseKind

CREDIT_CODES = ["91654201312345673Q", "92654202MA7XK2B12N", "93654221076543212B"]


def enterprise(actor: Any, *, code: str = "91654201312345673Q", county: str = "654201", premiums: str = "48000.00"):
    ent = enterprise_register(
        credit_code=code,
        name=f"塔城测试企业{code[-4:]}有限公司",
        county=County.objects.get(code=county),
        size_class="small",
        actor=actor,
    )
    insurance_year_record(
        enterprise=ent,
        year=2018,
        actor=actor,
        insured_at_start=40,
        insured_at_end=39,
        retired_or_deceased=1,
        ui_premiums_paid=Decimal(premiums),
        ui_months_paid_in_full=12,
        monthly_social_insurance_due=Decimal("30000"),
    )
    return ent


def submitted_refund(applicant: Any, ent: Any, *, token: uuid.UUID | None = None) -> Case:
    case = case_draft_start(kind=CaseKind.STABLE_JOB_REFUND, enterprise=ent, year=2019, actor=applicant)
    case_draft_save(
        case=case,
        actor=applicant,
        track="standard",
        bank_account="6222021234567890123",
        answers={
            "ui_premiums_paid_last_year": "48000.00",
            "ui_months_paid_in_full": 12,
            "insured_at_start": 40,
            "insured_at_end": 39,
            "retired_or_deceased": 1,
            "figures_source": "registry",
        },
    )
    return case_submit(case=case, token=token or uuid.uuid4(), actor=applicant)
