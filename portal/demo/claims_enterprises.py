"""Demo data of the enterprise claims (clauses （二）, （三）, （五）, （六）); idempotent, synthetic only.

An enterprise account `enterprise_claims` (password as the other demo accounts) acts for a small 塔城市 enterprise on
the quality-enterprise list. It has an approved internship base, one decided intern claim and one waiting in the
queue, a certified start-up loan with the loan recorded (so /workbench/loans/ shows a schedule and the reward), and
a guarantee referral waiting for the caseworker.
"""

from __future__ import annotations

import random
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from portal.demo.accounts import DEMO_PASSWORD
from portal.models import EnterpriseMembership, User
from portal.roles import Role
from registry.demo import demo_id_number
from registry.identifiers import credit_code_check_character, organisation_code_check_digit
from registry.models import County, Enterprise
from registry.services import enterprise_register, insurance_year_record
from subsidies.cases import claims
from subsidies.cases.workflow import case_approve, case_take
from subsidies.measures import m02_guarantee_referral, m03_startup_loan, m05_internship
from subsidies.measures.m03_startup_loan import loan_record
from subsidies.models import Case, CaseKind, Loan

USERNAME = "enterprise_claims"
ORG_BODY = "20190705"


def _credit_code() -> str:
    org = ORG_BODY + organisation_code_check_digit(ORG_BODY)
    body = "91654201" + org
    return body + credit_code_check_character(body)


def _staff(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise RuntimeError(f"run seed_demo first: the demo account {username} is missing")
    return user


def _enterprise() -> tuple[User, Enterprise]:
    code = _credit_code()
    ent = Enterprise.objects.filter(credit_code=code).first()
    officer = _staff("officer")
    if ent is None:
        ent = enterprise_register(
            credit_code=code,
            name="塔城市绿源农产品加工有限公司",
            county=County.objects.get(code="654201"),
            size_class="small",
            industry="农副食品加工",
            on_quality_list=True,
            actor=officer,
        )
        insurance_year_record(
            enterprise=ent,
            year=2018,
            actor=officer,
            insured_at_start=38,
            insured_at_end=40,
            retired_or_deceased=0,
            ui_premiums_paid=Decimal("36000.00"),
            ui_months_paid_in_full=12,
            monthly_social_insurance_due=Decimal("28000.00"),
        )
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = User.objects.create_user(
            username=USERNAME, password=DEMO_PASSWORD, first_name="企业经办 周敏", email=f"{USERNAME}@demo.invalid"
        )
        user.groups.add(Group.objects.get(name=Role.ENTERPRISE_APPLICANT.value))
    EnterpriseMembership.objects.get_or_create(
        user=user, enterprise=ent, defaults={"email_confirmed_at": timezone.now()}
    )
    return user, ent


def _decide(case: Case, caseworker: User) -> Case:
    case_take(case=case, actor=caseworker)
    return case_approve(case=case, actor=caseworker)


def seed(*, stdout: Any) -> None:
    with transaction.atomic():
        user, ent = _enterprise()
        caseworker = _staff("caseworker")
        officer = _staff("officer")
        if Case.objects.filter(enterprise=ent, kind=CaseKind.INTERNSHIP_BASE).exists():
            stdout.write(f"Enterprise claims demo: already there ({USERNAME}).")
            return
        base = m05_internship.internship_base_start(
            enterprise=ent,
            answers={"positions": "质检员、仓库管理", "capacity": 4, "supervisor": "周敏 13899070519"},
            actor=user,
        )
        _decide(claims.claim_submit(case=base, token=uuid.uuid4(), actor=user), caseworker)
        rng = random.Random(70519)  # noqa: S311 - demo data
        for months, hired in ((6, 4), (8, None)):
            # A graduate with a fresh synthetic ID number (valid check character).
            number = demo_id_number(rng, "654201")
            start = date(2019, 4, 1)
            intern = m05_internship.internship_claim_save(
                enterprise=ent,
                actor=user,
                id_number=number,
                intern_name=rng.choice(["马小龙", "古丽娜尔", "张晓雪"]),
                category="graduate",
                start_date=start,
                months=months,
                host_monthly_pay=Decimal("1000.00"),
                accident_policy_number=f"PICC-DEMO-{months:04d}",
                hired_after_months=hired,
                contract_years=3 if hired else None,
                social_insurance=bool(hired),
            )
            intern = claims.claim_submit(case=intern, token=uuid.uuid4(), actor=user)
            if hired:
                _decide(intern, caseworker)
        loan_case = m03_startup_loan.startup_loan_enterprise_start(
            enterprise=ent,
            year=2019,
            answers={
                "requested_amount": "800000.00",
                "current_staff": 40,
                "new_qualifying_hires": 10,
                "contract_years": 2,
                "purpose": "新建冷库",
            },
            actor=user,
        )
        loan_case = _decide(claims.claim_submit(case=loan_case, token=uuid.uuid4(), actor=user), caseworker)
        if not Loan.objects.filter(case=loan_case).exists():
            loan_record(
                case=loan_case,
                lender="中国农业银行塔城分行",
                amount=Decimal("800000.00"),
                granted_on=date(2019, 8, 15),
                annual_rate=Decimal("0.0435"),
                term_months=36,
                actor=officer,
            )
        referral = m02_guarantee_referral.guarantee_referral_start(
            enterprise=ent, answers={"purpose": "收购季流动资金", "contact": "周敏 13899070519"}, actor=user
        )
        claims.claim_submit(case=referral, token=uuid.uuid4(), actor=user)
    stdout.write(
        f"Enterprise claims demo: {USERNAME} acts for {ent.name}; an intern claim and a guarantee referral wait in "
        "the 塔城市 queue; a start-up loan is recorded at /workbench/loans/."
    )
