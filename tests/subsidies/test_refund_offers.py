"""免申即享 （一）: `refund_offers --year Y` offers the standard-track refund from insurance year Y-1."""

from __future__ import annotations

import io
import random
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from portal.beat import BEAT_SCHEDULE
from registry.identifiers import credit_code_check_character, organisation_code_check_digit
from registry.models import AuditEvent, County, Enterprise, InsuranceYear
from subsidies.calculators.stable_job_refund import StableJobRefundInputs, calculate
from subsidies.measures.m01_stable_job_refund import offer_fingerprint, offer_rule_digest, refund_offers_compute
from subsidies.models import RefundOffer
from subsidies.parameters import parameter_snapshot
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


# --- Set-based runs: skip what did not change, compute the rest with the one calculator ---------------------------


def offer_row_version(offer: RefundOffer) -> int:
    """PostgreSQL's xmin of the offer's row: it changes with any write to the row, whatever the columns."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text::bigint FROM subsidies_refundoffer WHERE id = %s", [offer.pk])
        return cursor.fetchone()[0]


def test_an_unchanged_enterprise_is_skipped_and_its_offer_row_left_untouched():
    enterprise = enterprise_with_year(1)
    refund_offers_compute(year=2019, as_of=date(2019, 3, 1))
    offer = RefundOffer.objects.get(enterprise=enterprise)
    version = offer_row_version(offer)
    audits = AuditEvent.objects.count()
    run = refund_offers_compute(year=2019, as_of=date(2019, 3, 2))
    assert (run.computed, run.created, run.updated, run.unchanged) == (0, 0, 0, 1)
    assert offer_row_version(offer) == version
    again = RefundOffer.objects.get(pk=offer.pk)
    assert (again.changed_at, again.as_of, again.fingerprint) == (offer.changed_at, offer.as_of, offer.fingerprint)
    assert AuditEvent.objects.count() == audits


def test_a_fact_the_calculator_does_not_read_does_not_recompute_the_offer():
    enterprise = enterprise_with_year(1)
    refund_offers_compute(year=2019, as_of=date(2019, 3, 1))
    InsuranceYear.objects.filter(enterprise=enterprise).update(in_arrears=True, monthly_social_insurance_due=5)
    assert refund_offers_compute(year=2019, as_of=date(2019, 3, 2)).computed == 0


def test_a_changed_fact_recomputes_that_offer_only_and_audits_the_change():
    changed, same = enterprise_with_year(1), enterprise_with_year(2)
    refund_offers_compute(year=2019, as_of=date(2019, 3, 1))
    version = offer_row_version(RefundOffer.objects.get(enterprise=same))
    InsuranceYear.objects.filter(enterprise=changed).update(insured_at_end=99)  # one net layoff of 100: 1% < 3.8%
    InsuranceYear.objects.filter(enterprise=changed).update(ui_premiums_paid=Decimal("30000.01"))
    run = refund_offers_compute(year=2019, as_of=date(2019, 3, 2))
    assert (run.computed, run.updated, run.unchanged) == (1, 1, 1)
    offer = RefundOffer.objects.get(enterprise=changed)
    assert (offer.amount, offer.layoff_rate, offer.as_of) == (Decimal("15000.01"), Decimal("0.0100"), date(2019, 3, 2))
    assert offer_row_version(RefundOffer.objects.get(enterprise=same)) == version
    audit = AuditEvent.objects.get(action="refund_offer.update")
    assert audit.target_id == str(offer.pk)
    assert (audit.before, audit.after) == (
        {"amount": "5000.00", "eligible": True},
        {"amount": "15000.01", "eligible": True},
    )


def test_a_recomputed_offer_whose_result_is_the_same_keeps_its_dates_and_gets_no_audit_row():
    enterprise = enterprise_with_year(1, start=100, end=100)
    refund_offers_compute(year=2019, as_of=date(2019, 3, 1))
    before = RefundOffer.objects.get(enterprise=enterprise)
    # Retired or deceased staff are not layoffs: a changed figure, the same offer.
    InsuranceYear.objects.filter(enterprise=enterprise).update(insured_at_end=98, retired_or_deceased=2)
    run = refund_offers_compute(year=2019, as_of=date(2019, 3, 2))
    assert (run.computed, run.updated, run.unchanged) == (1, 0, 1)
    after = RefundOffer.objects.get(pk=before.pk)
    assert (after.changed_at, after.as_of, after.amount) == (before.changed_at, before.as_of, before.amount)
    assert after.fingerprint != before.fingerprint
    assert refund_offers_compute(year=2019, as_of=date(2019, 3, 3)).computed == 0


def test_an_enterprise_that_no_longer_qualifies_has_its_offer_withdrawn():
    """（一） 足额缴纳失业保险费12个月以上: premiums paid in full for fewer months, no offer any more."""
    enterprise = enterprise_with_year(1)
    refund_offers_compute(year=2019, as_of=date(2019, 3, 1))
    InsuranceYear.objects.filter(enterprise=enterprise).update(ui_months_paid_in_full=6)
    run = refund_offers_compute(year=2019, as_of=date(2019, 3, 2))
    assert (run.updated, run.withdrawn) == (1, 1)
    offer = RefundOffer.objects.get(enterprise=enterprise)
    assert (offer.eligible, offer.amount) == (False, Decimal("0.00"))
    assert [reason["code"] for reason in offer.reasons] == ["ui_months_short"]
    audit = AuditEvent.objects.get(action="refund_offer.withdraw")
    assert audit.before == {"amount": "5000.00", "eligible": True}
    assert audit.after == {"amount": "0.00", "eligible": False}


def test_a_parameter_change_recomputes_every_offer_it_could_change(officer):
    enterprise_with_year(1)
    enterprise_with_year(2)
    refund_offers_compute(year=2019, as_of=date(2019, 3, 1))
    parameter_add(
        key="unemployment_rate.registered_urban", value="0.05", valid_from=date(2019, 6, 1), source="x", actor=officer
    )
    assert refund_offers_compute(year=2019, as_of=date(2019, 6, 1)).computed == 2
    assert refund_offers_compute(year=2019, as_of=date(2019, 6, 2)).computed == 0


def test_recompute_runs_every_offer_through_the_calculator_and_changes_none():
    enterprise_with_year(1)
    enterprise_with_year(2)
    refund_offers_compute(year=2019, as_of=date(2019, 3, 1))
    run = refund_offers_compute(year=2019, as_of=date(2019, 3, 2), recompute=True)
    assert (run.computed, run.updated, run.unchanged) == (2, 0, 2)


def figures_of(row: InsuranceYear) -> tuple:
    return (
        row.ui_premiums_paid,
        row.ui_months_paid_in_full,
        row.insured_at_start,
        row.insured_at_end,
        row.retired_or_deceased,
    )


def many_enterprises(count: int) -> None:
    """Varied figures, including premiums whose half ends in a half fen (0.005 rounds up) and layoff rates around
    the registered urban unemployment rate."""
    county = County.objects.get(code="654201")
    enterprises = Enterprise.objects.bulk_create(
        [
            Enterprise(credit_code=credit_code(n), name=f"测试企业{n}", county=county, size_class="small")
            for n in range(1, count + 1)
        ]
    )
    rng = random.Random(16)
    years = []
    for n, enterprise in enumerate(enterprises):
        start = rng.randint(0, 400)
        end = max(0, start - rng.randint(0, max(1, start // 8)))
        years.append(
            InsuranceYear(
                enterprise=enterprise,
                year=2018,
                insured_at_start=start,
                insured_at_end=end,
                retired_or_deceased=rng.randint(0, max(0, min(start - end, 2))),
                ui_premiums_paid=Decimal(n % 7 * 1000 + 1 if n % 3 else rng.randint(0, 9_999_999)) / 100,
                ui_months_paid_in_full=rng.choice([12, 12, 11, 0]),
                monthly_social_insurance_due=Decimal("1000.00"),
            )
        )
    InsuranceYear.objects.bulk_create(years)


def test_the_offers_equal_the_calculators_results_to_the_fen():
    """（一） 按该企业及其职工上年度实际缴纳失业保险费的50%给予返还: each offer is the calculator's answer, inputs
    validated as the calculator API validates them, to the fen (rounded once, half up)."""
    many_enterprises(300)
    as_of = date(2019, 3, 1)
    run = refund_offers_compute(year=2019, as_of=as_of, batch_size=7)  # many batches, written while computing
    assert (run.created, run.computed) == (300, 300)
    offers = {o.enterprise_id: o for o in RefundOffer.objects.filter(year=2019)}
    assert len(offers) == 300
    with translation.override(settings.LANGUAGE_CODE):
        for row in InsuranceYear.objects.filter(year=2018):
            premiums, months, start, end, gone = figures_of(row)
            inputs = StableJobRefundInputs.model_validate(
                {
                    "application_date": as_of.isoformat(),
                    "ui_premiums_paid_last_year": str(premiums),
                    "ui_months_paid_in_full": months,
                    "insured_at_start": start,
                    "insured_at_end": end,
                    "retired_or_deceased": gone,
                }
            )
            result = calculate(inputs, as_of)
            offer = offers[row.enterprise_id]
            assert (offer.eligible, offer.amount) == (result.eligible, result.amount)
            assert offer.layoff_rate == Decimal(result.extra["layoff_rate"])
            assert offer.reasons == [reason.as_dict() for reason in result.reasons]
            assert offer.parameters == [p.as_dict() for p in result.parameters]
    # Half of 0.01 and of 10.01 yuan end in half a fen: rounded up.
    assert {o.amount for o in offers.values() if o.eligible} >= {Decimal("0.01"), Decimal("5.01")}


def test_the_fingerprint_postgresql_computes_is_the_one_python_computes():
    many_enterprises(20)
    as_of = date(2019, 3, 1)
    refund_offers_compute(year=2019, as_of=as_of)
    with translation.override(settings.LANGUAGE_CODE), parameter_snapshot():
        digest, keys = offer_rule_digest(as_of)
    assert keys == {"stable_job_refund.ratio", "stable_job_refund.min_ui_months", "unemployment_rate.registered_urban"}
    for row in InsuranceYear.objects.filter(year=2018):
        offer = RefundOffer.objects.get(enterprise_id=row.enterprise_id)
        assert offer.fingerprint == offer_fingerprint(digest, figures_of(row))


def test_the_portable_run_decides_as_the_set_based_one():
    """`make run` on SQLite takes the ORM's way: the same offers, fingerprints and skips."""
    many_enterprises(40)
    as_of = date(2019, 3, 1)
    refund_offers_compute(year=2019, as_of=as_of, set_based=True)
    columns = ("enterprise_id", "eligible", "amount", "layoff_rate", "reasons", "parameters", "fingerprint")
    set_based = sorted(RefundOffer.objects.values_list(*columns))
    RefundOffer.objects.all().delete()
    first = refund_offers_compute(year=2019, as_of=as_of, set_based=False)
    assert sorted(RefundOffer.objects.values_list(*columns)) == set_based
    assert (first.created, first.computed) == (40, 40)
    changed = [o[0] for o in set_based[:3]]
    InsuranceYear.objects.filter(enterprise_id__in=changed).update(ui_premiums_paid=Decimal("12345.67"))
    InsuranceYear.objects.filter(enterprise_id=set_based[3][0]).delete()
    portable = refund_offers_compute(year=2019, as_of=date(2019, 3, 2), set_based=False)
    assert portable.computed == 3 and portable.deleted == 1
    assert portable.unchanged + portable.updated == 39
    assert refund_offers_compute(year=2019, as_of=date(2019, 3, 3), set_based=True).computed == 0
