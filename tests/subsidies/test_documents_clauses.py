"""Every notice cites its own clause: a training subsidy's approval cites （七）, a registration's （九）; only the
refund and the hardship list cite （一）."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from registry.models import County
from subsidies import documents
from subsidies.models import Case, CaseKind, CaseState, NoticeListKind, PublicNotice

pytestmark = pytest.mark.django_db

PLAN = "塔行发〔2019〕16号"
CLAUSE_OF_KIND = {
    CaseKind.STABLE_JOB_REFUND: "（一）",
    CaseKind.HARDSHIP_RECOGNITION: "（一）",
    CaseKind.GUARANTEE_REFERRAL: "（二）",
    CaseKind.STARTUP_LOAN: "（三）",
    CaseKind.INTERNSHIP_BASE: "（五）",
    CaseKind.INTERNSHIP: "（五）",
    CaseKind.IN_JOB_TRAINING: "（六）",
    CaseKind.TRAINING_SUBSIDY: "（七）",
    CaseKind.LIVING_ALLOWANCE: "（七）",
    CaseKind.SKILL_UPGRADE: "（八）",
    CaseKind.UNEMPLOYMENT_REGISTRATION: "（九）",
    CaseKind.DIFFICULTY_RECOGNITION: "（九）",
}
PERSON_KINDS = {
    CaseKind.STARTUP_LOAN,
    CaseKind.TRAINING_SUBSIDY,
    CaseKind.LIVING_ALLOWANCE,
    CaseKind.SKILL_UPGRADE,
    CaseKind.UNEMPLOYMENT_REGISTRATION,
    CaseKind.DIFFICULTY_RECOGNITION,
}


def pdf_text(pdf: bytes) -> str:
    return "".join("".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def decided(officer, make_enterprise, register_person):
    ent = make_enterprise(officer)
    person = register_person("654201198503150018", County.objects.get(code="654201"), officer)

    def make(kind: str, state: str = CaseState.FINAL, **extra) -> Case:
        return Case.objects.create(
            kind=kind,
            state=state,
            county=ent.county,
            enterprise=None if kind in PERSON_KINDS else ent,
            person=person if kind in PERSON_KINDS else None,
            year=2020,
            reference=f"T-{kind}",
            created_by=officer,
            **extra,
        )

    return make


@pytest.mark.parametrize("kind", list(CLAUSE_OF_KIND))
def test_every_approval_notice_cites_the_clause_of_its_kind(kind, decided) -> None:
    case = decided(kind, approved_amount=Decimal("1000.00"))
    context = documents.approval_notice_context(case=case, verification_code="ABCDEFGHJK", issued_on=date(2020, 6, 1))
    assert context["clause"] == PLAN + CLAUSE_OF_KIND[kind]
    assert context["citations"] == [PLAN + CLAUSE_OF_KIND[kind]]


def test_七_training_approval_notice_cites_七_and_shows_the_calculation(decided) -> None:
    calculation = {
        "eligible": True,
        "amount": "1600.00",
        "breakdown": [
            {"label": "培训成本", "value": "1600.00", "parameter": None, "clause": None},
            {"label": "每人补贴上限", "value": "1800.00", "parameter": "training_subsidy.cap", "clause": None},
            {"label": "补贴（成本与上限孰低）", "value": "1600.00", "parameter": None, "clause": PLAN + "（七）"},
        ],
        "citations": [PLAN + "（七）"],
    }
    case = decided(
        CaseKind.TRAINING_SUBSIDY, approved_amount=Decimal("1600.00"), calculation=calculation, calculated_amount=1600
    )
    text = pdf_text(documents.approval_notice(case=case, verification_code="ABCDEFGHJK", issued_on=date(2020, 6, 1)))
    assert PLAN + "（七）" in text
    assert "（一）" not in text
    assert "每人补贴上限" in text and "1800.00" in text  # the calculation table, every line


def test_九_registration_rejection_notice_cites_九(decided) -> None:
    case = decided(CaseKind.UNEMPLOYMENT_REGISTRATION, state=CaseState.REJECTED, decision_reason="不在法定劳动年龄内")
    text = pdf_text(documents.rejection_notice(case=case, verification_code="ABCDEFGHJK", issued_on=date(2020, 6, 1)))
    assert PLAN + "（九）" in text and "（一）" not in text


def test_一_the_published_hardship_list_cites_一(officer) -> None:
    notice = PublicNotice.objects.create(
        kind=NoticeListKind.HARDSHIP_RECOGNITIONS,
        title="困难企业公示",
        starts_on=date(2019, 6, 3),
        ends_on=date(2019, 6, 10),
        created_by=officer,
    )
    assert documents.list_clause(notice) == PLAN + "（一）"


def test_rejection_notice_after_2024_sends_reconsideration_to_the_county_government(decided) -> None:
    """《行政复议法》（2023年修订, in force 2024-01-01）: a county bureau's decision goes to the county government; the
    wording follows the dated parameter reconsideration.authority."""
    case = decided(CaseKind.TRAINING_SUBSIDY, state=CaseState.REJECTED, decision_reason="未取得培训合格证书")
    text = pdf_text(documents.rejection_notice(case=case, verification_code="ABCDEFGHJK", issued_on=date(2024, 1, 1)))
    assert "向塔城市人民政府申请行政复议" in text
    assert "上一级人力资源和社会保障部门" not in text


def test_rejection_notice_of_2023_keeps_the_wording_of_the_law_then(decided) -> None:
    case = decided(CaseKind.TRAINING_SUBSIDY, state=CaseState.REJECTED, decision_reason="未取得培训合格证书")
    text = pdf_text(documents.rejection_notice(case=case, verification_code="ABCDEFGHJK", issued_on=date(2023, 12, 31)))
    assert "向同级人民政府或上一级人力资源和社会保障部门申请行政复议" in text
