"""（八） 将技术技能提升补贴申领条件由企业在职职工参加失业保险 3 年以上放宽至参保 1 年以上。参保职工取得职业资格证书或
职业技能等级证书的，可在参保地申请技术技能提升补贴，所需资金由失业保险基金列支。"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from registry.models import PersonInsurance
from registry.refusals import Refused
from subsidies.cases.rules import Fund, rules_for
from subsidies.measures.m08_skill_upgrade import occupation_key, skill_upgrade_claim_submit
from subsidies.models import CaseKind

pytestmark = pytest.mark.django_db

BANK = "6228480012345678901"


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def submit(person, user, **overrides):
    data = {
        "occupation": "中式烹调师",
        "certificate_level": "junior",
        "certificate_number": f"JN{uuid.uuid4().hex[:10].upper()}",
        "certificate_date": date(2025, 6, 1),
        "insured_months": None,
        "bank_name": "中国农业银行塔城分行",
    }
    data.update(overrides)
    return skill_upgrade_claim_submit(person=person, data=data, bank_account=BANK, token=uuid.uuid4(), actor=user)


def insure(person, *, insured: int, ui: int) -> None:
    PersonInsurance.objects.create(
        person=person, insured_months=insured, ui_contribution_months=ui, as_of=date(2026, 1, 1)
    )


def test_八_skill_upgrade_counts_ui_contribution_months_not_months_of_any_insurance(make_resident) -> None:
    user, person = make_resident()
    insure(person, insured=120, ui=35)  # ten years insured, but 35 months in unemployment insurance
    case = submit(person, user)
    assert case.answers["insured_months"] == 35
    assert case.calculation["eligible"] is False
    assert [r["code"] for r in case.calculation["reasons"]] == ["insured_months_short"]


def test_八_skill_upgrade_with_36_ui_contribution_months_is_paid(make_resident) -> None:
    user, person = make_resident()
    insure(person, insured=0, ui=36)
    case = submit(person, user)
    assert case.calculation["eligible"] is True
    assert case.calculated_amount == Decimal("1000.00")


def test_八_skill_upgrade_is_booked_to_the_unemployment_insurance_fund(make_resident) -> None:
    # The dashboard's "Amounts by fund and policy" books each kind under rules_for(kind).fund.
    assert rules_for(CaseKind.SKILL_UPGRADE).fund == Fund.UNEMPLOYMENT_INSURANCE
    user, person = make_resident(insured_months=40)
    case = submit(person, user)
    assert rules_for(case.kind).fund.label == Fund.UNEMPLOYMENT_INSURANCE.label


def test_八_occupation_written_with_a_space_is_the_same_occupation(make_resident) -> None:
    assert occupation_key("中式 烹调师") == occupation_key("中式烹调师") == occupation_key("中式\u3000烹调师")
    user, person = make_resident(insured_months=40)
    first = submit(person, user, occupation="中式烹调师")
    with pytest.raises(Refused) as refused:
        submit(person, user, occupation="中式 烹调师")
    assert refused.value.field == "certificate_level" and first.reference in str(refused.value)
    assert submit(person, user, occupation="中式面点师").answers["occupation"] == "中式面点师"


def test_八_skill_upgrade_claim_goes_to_the_county_where_the_applicant_is_insured(make_resident) -> None:
    user, person = make_resident(insured_months=40)  # lives in 塔城市 654201
    case = submit(person, user, insured_county="654202")
    assert case.county.code == "654202" and case.reference.startswith("JN-654202-")
    assert submit(person, user, certificate_level="senior").county.code == "654201"  # none named: residence
