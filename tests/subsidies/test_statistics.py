"""The dashboard's figures (clause （十三）: the HR bureau runs statistics), against a hand-counted world."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from portal.roles import Role
from subsidies import statistics, summaries
from subsidies.cases.rules import Fund, rules_for
from subsidies.models import Case, CaseKind, CaseState
from subsidies.statistics import Scope, service_target_cutoff
from subsidies.workdays import working_days_between

pytestmark = pytest.mark.django_db


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=ZoneInfo("Asia/Shanghai"))


MARCH, APRIL = date(2019, 3, 1), date(2019, 4, 1)


@pytest.fixture
def world(make_user, build_dashboard_world):
    return build_dashboard_world(make_user(Role.PREFECTURE_OFFICER))


def test_it_counts_cases_received_approved_rejected_and_amounts_by_county_month_and_kind(world):
    figures = statistics.cases_by_county_month_kind(Scope(start=MARCH, end=APRIL))
    tacheng, wusu = world["tacheng"].pk, world["wusu"].pk
    refund, hardship, training = CaseKind.STABLE_JOB_REFUND, CaseKind.HARDSHIP_RECOGNITION, CaseKind.TRAINING_SUBSIDY
    # Case A moved from submitted to approved within March: received and approved in the same month.
    assert figures[(tacheng, MARCH, refund)] == {
        "received": 2,
        "approved": 1,
        "rejected": 0,
        "amount_approved": Decimal("24000.00"),
        "amount_paid": Decimal("0.00"),
    }
    assert figures[(tacheng, APRIL, refund)]["amount_paid"] == Decimal("24000.00")
    assert figures[(tacheng, MARCH, hardship)]["received"] == 1
    assert figures[(tacheng, APRIL, hardship)]["rejected"] == 1
    assert figures[(tacheng, APRIL, training)] == {
        "received": 1,
        "approved": 1,
        "rejected": 0,
        "amount_approved": Decimal("1800.00"),
        "amount_paid": Decimal("1800.00"),
    }
    assert figures[(wusu, MARCH, refund)]["amount_approved"] == Decimal("10000.00")
    assert sum(f["received"] for f in figures.values()) == 5  # the draft is not a case received


def test_it_counts_registrations_opened_ended_and_recognitions(world):
    figures = statistics.registrations_by_county_month(Scope(start=MARCH, end=APRIL))
    tacheng, wusu = world["tacheng"].pk, world["wusu"].pk
    assert figures[(tacheng, MARCH)] == {"opened": 2, "ended": 0, "recognitions": 0}
    assert figures[(tacheng, APRIL)] == {"opened": 0, "ended": 1, "recognitions": 1}
    assert figures[(wusu, MARCH)] == {"opened": 1, "ended": 0, "recognitions": 0}


def test_it_keeps_the_refund_in_the_unemployment_insurance_fund_as_clause_one_says(world):
    assert rules_for(CaseKind.STABLE_JOB_REFUND).fund == Fund.UNEMPLOYMENT_INSURANCE
    assert rules_for(CaseKind.INTERNSHIP).fund == Fund.EMPLOYMENT_SUBSIDY
    board = statistics.build(Scope(start=MARCH, end=APRIL), today=date(2019, 5, 31))
    funds = {(str(r[0]), str(r[1])): (r[2], r[3]) for r in next(t for t in board.tables if t.key == "funds").rows}
    assert funds[(str(Fund.UNEMPLOYMENT_INSURANCE.label), str(CaseKind.STABLE_JOB_REFUND.label))] == (
        Decimal("34000.00"),
        Decimal("24000.00"),
    )
    assert funds[(str(Fund.EMPLOYMENT_SUBSIDY.label), str(CaseKind.TRAINING_SUBSIDY.label))] == (
        Decimal("1800.00"),
        Decimal("1800.00"),
    )
    assert board.totals["amount_approved"] == Decimal("35800.00")
    assert board.totals["amount_paid"] == Decimal("25800.00")


def test_it_computes_median_and_90th_percentile_of_the_days_to_decision(make_user, county, register_person):
    actor = make_user(Role.PREFECTURE_OFFICER)
    tacheng = county("654201")
    person = register_person("654201198503150018", tacheng, actor)
    for n, days in enumerate([1, 2, 3, 4, 10]):
        Case.objects.create(
            reference=f"T-{n}",
            kind=CaseKind.SKILL_UPGRADE,
            state=CaseState.FINAL,
            county=tacheng,
            person=person,
            year=2019,
            created_by=actor,
            submitted_at=at(2019, 3, 1),
            decided_at=at(2019, 3, 1) + timedelta(days=days),
            approved_amount=Decimal("1000.00"),
        )
    summaries.rebuild()  # written directly, not through the workflow
    times = statistics.decision_times(Scope(start=MARCH, end=MARCH))
    # percentile_cont: the median of 1,2,3,4,10 is 3; the 90th percentile is 4 + 0.6 x (10 - 4) = 7.6.
    assert times[(tacheng.pk, CaseKind.SKILL_UPGRADE)] == {
        "decided": 5,
        "median_days": Decimal("3.0"),
        "p90_days": Decimal("7.6"),
    }


def test_it_counts_open_cases_past_the_20_working_day_service_target(world):
    waiting = statistics.waiting_past_target(Scope(start=MARCH, end=APRIL), today=date(2019, 5, 31))
    assert waiting == {(world["tacheng"].pk, CaseKind.STABLE_JOB_REFUND): 1}
    # On 2019-03-28 case C (submitted 2019-03-01) has waited exactly 19 working days: not yet past.
    assert statistics.waiting_past_target(Scope(start=MARCH, end=APRIL), today=date(2019, 3, 28)) == {}


def test_it_puts_the_service_target_cutoff_where_the_age_passes_the_target():
    today = date(2019, 10, 10)  # after the National Day holiday: the calendar matters
    cutoff = service_target_cutoff(today, 20)
    assert working_days_between(cutoff, today) == 20
    assert working_days_between(cutoff - timedelta(days=1), today) > 20


def test_it_scopes_figures_to_the_counties_asked_for(world):
    scope = Scope(start=MARCH, end=APRIL, county_ids=(world["wusu"].pk,))
    figures = statistics.cases_by_county_month_kind(scope)
    assert {key[0] for key in figures} == {world["wusu"].pk}
    board = statistics.build(scope, today=date(2019, 5, 31))
    assert board.totals["received"] == 1
    assert all("塔城" not in str(cell) for table in board.tables for row in table.rows for cell in row)


def test_it_filters_by_kind(world):
    scope = Scope(start=MARCH, end=APRIL, kinds=(CaseKind.TRAINING_SUBSIDY,))
    board = statistics.build(scope, today=date(2019, 5, 31))
    assert board.totals["received"] == 1
    assert board.totals["amount_approved"] == Decimal("1800.00")


def test_the_portable_percentile_interpolates_as_postgresql_percentile_cont_does():
    from subsidies.statistics import _percentile

    assert _percentile([10.0, 1.0, 4.0, 2.0, 3.0], 0.9) == pytest.approx(7.6)
    assert _percentile([5.0], 0.9) == 5.0
