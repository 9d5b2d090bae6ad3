"""Demo data of the dashboard (clauses （四）, （十二）): an enterprise that laid off staff, and incubators with
tenants.

Idempotent and synthetic: the enterprise has a demo credit code (registry.demo.demo_credit_code) and a name that
says what it is for; the incubators are recorded by the demo officer when one exists, else skipped.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from registry.demo import demo_credit_code
from registry.models import County, Enterprise, InsuranceYear, Source
from registry.services import enterprise_register, insurance_year_record
from subsidies.measures.m04_incubators import RECORD_PERMISSION, incubator_record, tenant_record
from subsidies.models import Incubator

LAYOFF_NUMBER = 700  # demo credit code D0000700 in 乌苏市
COUNTY = "654202"


def seed_dashboard(*, stdout: Any) -> None:
    from django.contrib.auth import get_user_model

    code = demo_credit_code(LAYOFF_NUMBER, COUNTY)
    enterprise = Enterprise.objects.filter(credit_code=code).first() or enterprise_register(
        credit_code=code,
        name="乌苏示例减员纺织有限公司",
        county=County.objects.get(code=COUNTY),
        size_class="medium",
        industry="纺织业",
        actor=None,
    )
    for year, start, end in ((2018, 128, 84),):  # a fall of 34%: grade 3
        if not InsuranceYear.objects.filter(enterprise=enterprise, year=year).exists():
            insurance_year_record(
                enterprise=enterprise,
                year=year,
                actor=None,
                source=Source.DEMO,
                insured_at_start=start,
                insured_at_end=end,
                retired_or_deceased=0,
                ui_premiums_paid=Decimal(start * 300).quantize(Decimal("0.01")),
                ui_months_paid_in_full=12,
                monthly_social_insurance_due=Decimal(start * 900).quantize(Decimal("0.01")),
            )
    stdout.write(f"  early warning demo: {enterprise.name} (insured 128 -> 84 in 2018)")

    officer = next(
        (u for u in get_user_model().objects.filter(is_active=True).order_by("pk") if u.has_perm(RECORD_PERMISSION)),
        None,
    )
    if officer is None or Incubator.objects.exists():
        return
    tacheng = County.objects.get(code="654201")
    space = incubator_record(
        name="塔城市青年创业众创空间",
        kind="maker_space",
        level="prefecture",
        county=tacheng,
        recognised_on=date(2019, 4, 18),
        recognised_by="塔城地区科学技术局",
        mentors=9,
        actor=officer,
    )
    star = incubator_record(
        name="额敏县农业星创天地",
        kind="star_space",
        level="county",
        county=County.objects.get(code="654221"),
        recognised_on=date(2019, 6, 3),
        recognised_by="额敏县科学技术局",
        mentors=4,
        actor=officer,
    )
    tenant_record(
        incubator=space, name="塔城云帆网络科技工作室", entered_on=date(2019, 5, 1), jobs_created=12, actor=officer
    )
    tenant_record(
        incubator=star,
        name="额敏县绿原种植专业合作社",
        entered_on=date(2019, 6, 10),
        agricultural=True,
        jobs_created=23,
        rural_leaders=6,
        actor=officer,
    )
    stdout.write("  incubators: 2 recognised, 2 firms incubated (clause （四）)")
