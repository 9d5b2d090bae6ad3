"""A small, hand-counted world for the dashboard tests (clauses (十二), (十三)).

塔城市 654201, 2019:
- March: 3 stable-job refunds received (A, B, C). A is claimed and approved in March (48000 x 0.5 = 24000.00),
  i.e. it moved from submitted to approved within the month. B is rejected in April. C is still waiting
  (submitted 2019-03-01: far past the 20-working-day target on 2019-05-31).
- April: 1 training subsidy received and approved at 1800.00 in April, final (paid) in April.
  A becomes final in April (paid 24000.00 in April).
- registrations: 2 opened in March, 1 of them ended in April; 1 recognition in April.
乌苏市 654202, 2019:
- March: 1 stable-job refund received and approved at 10000.00 (decided in March), 1 registration opened.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from registry.models import County, DifficultyRecognition, Person, UnemploymentRegistration
from subsidies.models import Case, CaseKind, CaseState

TZ = ZoneInfo("Asia/Shanghai")
IDS = ["654201198503150018", "654202199807080021", "654221199211220037"]


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=TZ)


def _person(id_number: str, county: County, actor: Any) -> Person:
    from registry.services import person_register

    return person_register(id_number=id_number, name="测试人员", residence_county=county, actor=actor)


def _case(**kw: Any) -> Case:
    n = Case.objects.count() + 1
    kw.setdefault("year", 2019)
    return Case.objects.create(reference=f"T-{kw['county'].code}-2019-{n:06d}", **kw)


def build_world(actor: Any) -> dict[str, Any]:
    from tests.subsidies.cases_helpers import enterprise

    tacheng = County.objects.get(code="654201")
    wusu = County.objects.get(code="654202")
    ent_a = enterprise(actor, code="91654201312345673Q", county="654201")
    ent_w = enterprise(actor, code="92654202MA7XK2B12N", county="654202")
    ent_c = enterprise(actor, code="93654221076543212B", county="654221")
    s = CaseState
    a = _case(
        kind=CaseKind.STABLE_JOB_REFUND,
        state=s.FINAL,
        county=tacheng,
        enterprise=ent_a,
        created_by=actor,
        submitted_at=at(2019, 3, 4),
        decided_at=at(2019, 3, 8),
        finalised_at=at(2019, 4, 20),
        calculated_amount=Decimal("24000.00"),
        approved_amount=Decimal("24000.00"),
    )
    b = _case(
        kind=CaseKind.HARDSHIP_RECOGNITION,
        state=s.REJECTED,
        county=tacheng,
        enterprise=ent_a,
        created_by=actor,
        submitted_at=at(2019, 3, 10),
        decided_at=at(2019, 4, 2),
    )
    c = _case(
        kind=CaseKind.STABLE_JOB_REFUND,
        state=s.SUBMITTED,
        county=tacheng,
        enterprise=ent_c,
        created_by=actor,
        submitted_at=at(2019, 3, 1),
    )
    p1 = _person(IDS[0], tacheng, actor)
    p2 = _person(IDS[2], tacheng, actor)
    pw = _person(IDS[1], wusu, actor)
    t = _case(
        kind=CaseKind.TRAINING_SUBSIDY,
        state=s.FINAL,
        county=tacheng,
        person=p1,
        created_by=actor,
        submitted_at=at(2019, 4, 1),
        decided_at=at(2019, 4, 11),
        finalised_at=at(2019, 4, 11),
        approved_amount=Decimal("1800.00"),
    )
    w = _case(
        kind=CaseKind.STABLE_JOB_REFUND,
        state=s.APPROVED,
        county=wusu,
        enterprise=ent_w,
        created_by=actor,
        submitted_at=at(2019, 3, 5),
        decided_at=at(2019, 3, 7),
        approved_amount=Decimal("10000.00"),
    )
    # A draft never counts.
    _case(kind=CaseKind.TRAINING_SUBSIDY, state=s.DRAFT, county=tacheng, person=p2, created_by=actor)
    r1 = UnemploymentRegistration.objects.create(person=p1, residence_county=tacheng, registered_on=date(2019, 3, 2))
    UnemploymentRegistration.objects.create(person=p2, residence_county=tacheng, registered_on=date(2019, 3, 20))
    UnemploymentRegistration.objects.create(person=pw, residence_county=wusu, registered_on=date(2019, 3, 6))
    UnemploymentRegistration.objects.filter(pk=r1.pk).update(
        status="ended", ended_on=date(2019, 4, 15), end_reason="reemployed"
    )
    DifficultyRecognition.objects.create(person=p2, categories=["low_income_family"], recognised_on=date(2019, 4, 3))
    return {"tacheng": tacheng, "wusu": wusu, "a": a, "b": b, "c": c, "t": t, "w": w}
