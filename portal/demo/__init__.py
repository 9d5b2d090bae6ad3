"""Demo data of the portal (called by `manage.py seed_demo` after registry.demo and subsidies.demo).

The demo `enterprise` account acts for its own synthetic enterprise of 塔城市, whose 2018 social-insurance year
qualifies it for the 2019 stable-job refund: signing in shows "you qualify for ¥X — confirm", and the application
form comes prefilled. Idempotent; synthetic data only (a credit code with valid check characters).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from portal.demo import residents
from portal.models import EnterpriseMembership, User
from registry.demo import demo_credit_code
from registry.models import County, Enterprise, InsuranceYear, Source
from registry.services import enterprise_register, insurance_year_record
from subsidies.measures.m01_stable_job_refund import refund_offers_compute
from subsidies.models import RefundOffer

DEMO_ENTERPRISE_USER = "enterprise"
DEMO_ENTERPRISE_CODE = demo_credit_code(900, "654201")
DEMO_ENTERPRISE_NAME = "塔城市示例机械制造有限公司"
DEMO_INSURANCE_2018 = {
    "insured_at_start": 86,
    "insured_at_end": 85,
    "retired_or_deceased": 1,
    "ui_premiums_paid": Decimal("61920.00"),
    "ui_months_paid_in_full": 12,
    "monthly_social_insurance_due": Decimal("98500.00"),
    "in_arrears": False,
}


def _enterprise_account(*, stdout: Any) -> None:
    user = User.objects.filter(username=DEMO_ENTERPRISE_USER).first()
    if user is None:
        return
    with transaction.atomic():
        enterprise = Enterprise.objects.filter(credit_code=DEMO_ENTERPRISE_CODE).first()
        if enterprise is None:
            enterprise = enterprise_register(
                credit_code=DEMO_ENTERPRISE_CODE,
                name=DEMO_ENTERPRISE_NAME,
                county=County.objects.get(code="654201"),
                size_class="medium",
                industry="制造业",
                actor=None,
            )
        if not InsuranceYear.objects.filter(enterprise=enterprise, year=2018).exists():
            insurance_year_record(
                enterprise=enterprise, year=2018, actor=None, source=Source.DEMO, **DEMO_INSURANCE_2018
            )
        EnterpriseMembership.objects.get_or_create(
            user=user, enterprise=enterprise, defaults={"email_confirmed_at": timezone.now()}
        )
    if not RefundOffer.objects.filter(enterprise=enterprise, year=2019).exists():
        refund_offers_compute(year=2019)
    offer = RefundOffer.objects.filter(enterprise=enterprise, year=2019).first()
    amount = f"¥{offer.amount}" if offer is not None and offer.eligible else "none"
    stdout.write(
        f"  enterprise sign-in acts for {DEMO_ENTERPRISE_NAME} ({DEMO_ENTERPRISE_CODE}); 2019 offer: {amount}; "
        "my applications at /apply/"
    )


def seed(*, stdout: Any) -> None:
    """Idempotent: a second run changes nothing and prints the same lines."""
    _enterprise_account(stdout=stdout)
    residents.seed(stdout=stdout)
