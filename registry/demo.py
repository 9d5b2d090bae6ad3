"""Idempotent synthetic demo data for the registry: enterprises (incl. the POLICY test credit codes), people (incl.
the POLICY test ID numbers), 2018 insurance years, a registration and a benefit period.

Only synthetic data: names from Faker zh_CN with a fixed seed, numbers generated with valid check characters.
registry/demo_data/insurance_2019.csv is a social-insurance export an officer can import from the browser.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from registry.identifiers import credit_code_check_character, id_check_character, organisation_code_check_digit
from registry.models import County, Enterprise, InsuranceYear, Person, Source
from registry.services import (
    benefit_period_open,
    enterprise_register,
    insurance_year_record,
    person_find_by_id_number,
    person_register,
    registration_open,
)

DEMO_CSV = Path(__file__).resolve().parent / "demo_data" / "insurance_2019.csv"
COUNTY_CODES = ["654201", "654202", "654221", "654223", "654224", "654225", "654226"]

# (credit code, name, county, size class, industry, legal representative)
POLICY_ENTERPRISES = [
    ("91654201312345673Q", "塔城市示例商贸有限公司", "654201", "small", "批发和零售业", "王芳"),
    ("92654202MA7XK2B12N", "乌苏市示例餐饮店", "654202", "micro", "住宿和餐饮业", "李强"),
    ("93654221076543212B", "额敏县示例农民专业合作社", "654221", "micro", "农、林、牧、渔业", "张伟"),
]
# (ID number, name, county of residence, phone)
POLICY_PEOPLE = [
    ("654201198503150018", "阿依古丽·买买提", "654201", "13909010018"),
    ("654202199807080021", "王雪", "654202", "13909020021"),
    ("654221199211220037", "张军", "654221", "13909030037"),
    ("65422419880808006X", "古丽娜尔·艾力", "654224", "13909040066"),
]


def demo_credit_code(i: int, county: str) -> str:
    organisation = f"D{i:07d}"
    body = "91" + county + organisation + organisation_code_check_digit(organisation)
    return body + credit_code_check_character(body)


def demo_resident_id(area: str, birth: dt.date, seq: int) -> str:
    """A synthetic ID number: the area code of the hukou, the birth date, a sequence and its check character."""
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_character(body)


def demo_resident(*, name: str, hukou: str, birth: dt.date, seq: int, county: County, phone: str) -> Person:
    """The demo person with that synthetic ID number, registered (living in `county`) the first time it is asked for."""
    number = demo_resident_id(hukou, birth, seq)
    person = person_find_by_id_number(number)
    if person is None:
        person = person_register(
            id_number=number,
            name=name,
            residence_county=county,
            actor=None,
            phone=phone,
            address=f"{county.name}示例路 {seq % 90 + 1} 号",
        )
    return person


def demo_id_number(rng: random.Random, county: str) -> str:
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 40))
    body = f"{county}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + id_check_character(body)


def _enterprises(rng: random.Random, fake: Any) -> list[tuple[str, str, str, str, str, str]]:
    rows = list(POLICY_ENTERPRISES)
    for i in range(1, 13):
        county = COUNTY_CODES[i % len(COUNTY_CODES)]
        rows.append(
            (
                demo_credit_code(i, county),
                fake.company(),
                county,
                rng.choice(["medium", "small", "micro"]),
                rng.choice(["制造业", "建筑业", "批发和零售业", "交通运输业"]),
                fake.name(),
            )
        )
    return rows


def _insurance_values(rng: random.Random) -> dict[str, Any]:
    start = rng.randint(5, 120)
    return {
        "insured_at_start": start,
        "insured_at_end": max(0, start - rng.randint(0, 4)),
        "retired_or_deceased": rng.randint(0, min(2, start)),
        "ui_premiums_paid": Decimal(start * rng.randint(200, 400)).quantize(Decimal("0.01")),
        "ui_months_paid_in_full": rng.choice([12, 12, 12, 10]),
        "monthly_social_insurance_due": Decimal(start * rng.randint(800, 1200)).quantize(Decimal("0.01")),
        "in_arrears": False,
    }


def seed(*, stdout: Any) -> None:
    from faker import Faker

    fake = Faker("zh_CN")
    fake.seed_instance(2019)
    rng = random.Random(2019)  # noqa: S311 - reproducible demo data, not secrets
    counties = {c.code: c for c in County.objects.all()}
    # Separate generators, so that what a second run skips does not shift what it generates.
    values_rng = random.Random(2018)  # noqa: S311 - reproducible demo data, not secrets
    people_rng = random.Random(2021)  # noqa: S311 - reproducible demo data, not secrets
    with transaction.atomic():
        enterprise_rows = _enterprises(rng, fake)
        for code, name, county, size, industry, representative in enterprise_rows:
            enterprise = Enterprise.objects.filter(credit_code=code).first()
            if enterprise is None:
                enterprise = enterprise_register(
                    credit_code=code,
                    name=name,
                    county=counties[county],
                    size_class=size,
                    industry=industry,
                    legal_representative=representative,
                    bank_account=f"622848{values_rng.randint(10**12, 10**13 - 1)}",
                    actor=None,
                )
            if not InsuranceYear.objects.filter(enterprise=enterprise, year=2018).exists():
                insurance_year_record(
                    enterprise=enterprise, year=2018, actor=None, source=Source.DEMO, **_insurance_values(values_rng)
                )
        people = list(POLICY_PEOPLE)
        for _i in range(20):
            county = people_rng.choice(COUNTY_CODES)
            people.append((demo_id_number(people_rng, county), fake.name(), county, fake.phone_number()))
        for number, name, county, phone in people:
            if person_find_by_id_number(number) is None:
                person_register(id_number=number, name=name, residence_county=counties[county], phone=phone, actor=None)
        first = person_find_by_id_number(POLICY_PEOPLE[0][0])
        if first is not None and not first.registrations.exists():
            registration_open(person=first, registered_on=dt.date(2019, 2, 18), actor=None)
        second = person_find_by_id_number(POLICY_PEOPLE[1][0])
        if second is not None and not second.benefit_periods.exists():
            benefit_period_open(person=second, start_month=dt.date(2019, 1, 1), actor=None, source=Source.DEMO)
    stdout.write(
        f"Registry demo data: {Enterprise.objects.count()} enterprises, {Person.objects.count()} people "
        f"in the registry. Import {DEMO_CSV.relative_to(DEMO_CSV.parents[2])} at /workbench/registry/imports/."
    )


def write_demo_csv(path: Path = DEMO_CSV) -> None:
    """Regenerate the demo social-insurance file (2019, Chinese headers, two deliberately bad rows)."""
    import csv

    from faker import Faker

    fake = Faker("zh_CN")
    fake.seed_instance(2019)
    rng = random.Random(2019)  # noqa: S311 - reproducible demo data, not secrets
    rows = _enterprises(rng, fake)
    rng = random.Random(2020)  # noqa: S311 - reproducible demo data, not secrets
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "统一社会信用代码",
                "年度",
                "年初参保人数",
                "年末参保人数",
                "退休或死亡人数",
                "实际缴纳失业保险费",
                "足额缴费月数",
                "月应缴社会保险费",
                "是否欠费",
            ]
        )
        for code, *_rest in rows:
            v = _insurance_values(rng)
            writer.writerow(
                [
                    code,
                    2019,
                    v["insured_at_start"],
                    v["insured_at_end"],
                    v["retired_or_deceased"],
                    v["ui_premiums_paid"],
                    v["ui_months_paid_in_full"],
                    v["monthly_social_insurance_due"],
                    "否",
                ]
            )
        writer.writerow([rows[0][0][:-1] + "0", 2019, 10, 9, 0, "3000.00", 12, "9000.00", "否"])  # bad check character
        writer.writerow([rows[1][0], 2018, 3, 3, 5, "900.00", 12, "2700.00", "否"])  # more retired than insured
