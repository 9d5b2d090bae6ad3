"""免申即享 （一）: `refund_offers --year Y` offers the standard-track refund from insurance year Y-1."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from portal.beat import BEAT_SCHEDULE
from registry.identifiers import credit_code_check_character, organisation_code_check_digit
from registry.models import AuditEvent, County, Enterprise, InsuranceYear
from subsidies.measures.m01_stable_job_refund import refund_offers_compute
from subsidies.models import RefundOffer
from subsidies.services import parameter_add

pytestmark = pytest.mark.django_db


def credit_code(n: int) -> str:
    org = f"{n:08d}"
    body = f"91654201{org}{organisation_code_check_digit(org)}"
    return body + credit_code_check_character(body)


def enterprise_with_year(
    n: int, *, year: int = 2018, premiums: str = "10000.00", start: int = 100, end: int = 100, months: int = 12
) -> Enterprise:
    enterprise = Enterprise.objects.create(
        credit_code=credit_code(n), name=f"测试企业{n}", county=County.objects.get(code="654201"), size_class="small"
    )
    InsuranceYear.objects.create(
        enterprise=enterprise,
        year=year,
        insured_at_start=start,
        insured_at_end=end,
        retired_or_deceased=0,
        ui_premiums_paid=Decimal(premiums),
        ui_months_paid_in_full=months,
        monthly_social_insurance_due=Decimal("1000"),
    )
    return enterprise


def test_it_offers_each_enterprise_half_of_last_years_premiums():
    good = enterprise_with_year(1, premiums="12345.67")
    short = enterprise_with_year(2, months=11)
    enterprise_with_year(3, year=2017)  # no insurance year 2018: no offer for 2019
    run = refund_offers_compute(year=2019, as_of=date(2019, 3, 1))
    assert (run.created, run.updated, run.unchanged) == (2, 0, 0)
    offer = RefundOffer.objects.get(enterprise=good, year=2019)
    assert offer.eligible is True
    assert offer.amount == Decimal("6172.84")
    assert {p["key"] for p in offer.parameters} >= {"stable_job_refund.ratio"}
    refused = RefundOffer.objects.get(enterprise=short, year=2019)
    assert (refused.eligible, refused.amount) == (False, Decimal("0.00"))
    assert refused.reasons[0]["code"] == "ui_months_short"
    assert AuditEvent.objects.filter(action="refund_offer.create").count() == 2


def test_a_layoff_rate_equal_to_the_unemployment_rate_gets_no_offer():
    enterprise = enterprise_with_year(1, start=1000, end=962)
    refund_offers_compute(year=2019, as_of=date(2019, 3, 1))
    assert RefundOffer.objects.get(enterprise=enterprise).eligible is False


def test_a_rerun_changes_only_what_changed():
    first = enterprise_with_year(1)
    enterprise_with_year(2)
    refund_offers_compute(year=2019, as_of=date(2019, 3, 1))
    untouched = RefundOffer.objects.exclude(enterprise=first).get()
    InsuranceYear.objects.filter(enterprise=first).update(ui_premiums_paid=Decimal("20000.00"))
    run = refund_offers_compute(year=2019, as_of=date(2019, 3, 2))
    assert (run.created, run.updated, run.unchanged, run.deleted) == (0, 1, 1, 0)
    assert RefundOffer.objects.get(enterprise=first).amount == Decimal("10000.00")
    again = RefundOffer.objects.get(pk=untouched.pk)
    assert (again.changed_at, again.as_of) == (untouched.changed_at, untouched.as_of)
    rerun = refund_offers_compute(year=2019, as_of=date(2019, 3, 3))
    assert (rerun.created, rerun.updated, rerun.unchanged) == (0, 0, 2)
    assert RefundOffer.objects.count() == 2


def test_an_offer_whose_insurance_year_is_gone_is_removed():
    enterprise = enterprise_with_year(1)
    refund_offers_compute(year=2019, as_of=date(2019, 3, 1))
    InsuranceYear.objects.filter(enterprise=enterprise).delete()
    assert refund_offers_compute(year=2019, as_of=date(2019, 3, 1)).deleted == 1
    assert not RefundOffer.objects.exists()


def test_a_parameter_change_changes_the_offers_dated_after_it(officer):
    enterprise = enterprise_with_year(1, premiums="10000")
    refund_offers_compute(year=2019, as_of=date(2019, 3, 1))
    parameter_add(
        key="stable_job_refund.ratio", value="0.60", valid_from=date(2019, 6, 1), source="新文件", actor=officer
    )
    assert refund_offers_compute(year=2019, as_of=date(2019, 5, 31)).updated == 1  # valid_to of the old value
    assert RefundOffer.objects.get(enterprise=enterprise).amount == Decimal("5000.00")
    refund_offers_compute(year=2019, as_of=date(2019, 6, 1))
    assert RefundOffer.objects.get(enterprise=enterprise).amount == Decimal("6000.00")


def test_the_command_reports_what_it_did():
    enterprise_with_year(1)
    out = io.StringIO()
    call_command("refund_offers", "--year", "2019", stdout=out)
    assert "1 created" in out.getvalue()
    out = io.StringIO()
    call_command("refund_offers", "--year", "2019", stdout=out)
    assert "0 created, 0 changed, 1 unchanged" in out.getvalue()


def test_beat_runs_the_offers_nightly():
    assert BEAT_SCHEDULE["refund-offers-nightly"]["task"] == "subsidies.refund_offers"


def test_the_task_computes_the_offers_of_the_year_it_is_given():
    from subsidies.tasks import refund_offers

    enterprise_with_year(1)
    refund_offers.delay(2019)
    assert RefundOffer.objects.filter(year=2019).count() == 1


def test_the_demo_seed_offers_for_each_year_after_an_insurance_year():
    from subsidies.demo import seed_offers

    enterprise_with_year(1, year=2018)
    out = io.StringIO()
    seed_offers(stdout=out)
    seed_offers(stdout=out)
    assert RefundOffer.objects.filter(year=2019).count() == 1
