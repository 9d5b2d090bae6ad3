"""（一） The hardship track takes applications dated 2019-01-01..2019-12-31 only, whatever year they name; a
returned application resubmitted later keeps the rules of the day it was first submitted."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from portal.roles import Role
from subsidies.cases import workflow
from subsidies.measures import m01_stable_job_refund as m01
from subsidies.models import Case, CaseKind

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def applicant(make_user):
    return make_user(Role.ENTERPRISE_APPLICANT)


@pytest.fixture
def on_hardship_list(applicant, caseworker, officer, make_enterprise, recognise_hardship):
    """An enterprise recognised as a hardship enterprise for 2019, its recognition published and final."""
    ent = make_enterprise(officer)
    recognise_hardship(applicant, caseworker, officer, ent)
    assert m01.hardship_list_includes(enterprise=ent, year=2019)
    return ent


def hardship_draft(applicant, ent) -> Case:
    case = workflow.case_draft_start(kind=CaseKind.STABLE_JOB_REFUND, enterprise=ent, year=2019, actor=applicant)
    return workflow.case_draft_save(
        case=case,
        actor=applicant,
        track="hardship",
        bank_account="6222021234567890123",
        answers={"insured_employees": 100, "monthly_social_insurance_due": "30000.00"},
    )


def first_submitted_on(case: Case, day: date) -> Case:
    """The case as if its first submission had been on `day` (history the test cannot wait for)."""
    Case.objects.filter(pk=case.pk).update(
        submitted_at=datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI),
        answers={**case.answers, m01.FIRST_SUBMITTED: day.isoformat()},
    )
    case.refresh_from_db()
    return case


def test_一_hardship_refund_for_2019_applied_for_after_the_window_is_refused(applicant, on_hardship_list) -> None:
    case = hardship_draft(applicant, on_hardship_list)
    # On the final 2019 list, but applying after 2019-12-31: the track is closed, whatever year is named.
    assert not m01.hardship_track_allowed(case)
    case = workflow.case_submit(case=case, token=uuid.uuid4(), actor=applicant)
    assert case.calculation["eligible"] is False
    assert "outside_hardship_window" in [reason["code"] for reason in case.calculation["reasons"]]
    # The 831,600.00 of the issue (6 x 1,386.00 x 100) is not what the applicant is told they will get.
    assert case.calculation["as_of"] == case.answers[m01.FIRST_SUBMITTED]


def test_一_returned_hardship_refund_first_submitted_on_the_windows_last_day_keeps_the_track(
    applicant, caseworker, on_hardship_list
) -> None:
    case = workflow.case_submit(case=hardship_draft(applicant, on_hardship_list), token=uuid.uuid4(), actor=applicant)
    case = first_submitted_on(case, date(2019, 12, 31))
    workflow.case_take(case=case, actor=caseworker)
    workflow.case_return(case=case, reason="请补充参保职工名册", actor=caseworker)
    case.refresh_from_db()
    assert m01.hardship_track_allowed(case)
    case = workflow.case_submit(case=case, token=uuid.uuid4(), actor=applicant)
    assert case.calculation["eligible"] is True
    assert case.calculation["as_of"] == "2019-12-31"
    assert case.calculation["amount"] == "831600.00"  # 6 x 1,386.00 x 100 insured, the rules of 2019-12-31


def test_一_returned_hardship_refund_first_submitted_the_day_after_the_window_stays_refused(
    applicant, caseworker, on_hardship_list
) -> None:
    case = workflow.case_submit(case=hardship_draft(applicant, on_hardship_list), token=uuid.uuid4(), actor=applicant)
    case = first_submitted_on(case, date(2020, 1, 1))
    workflow.case_take(case=case, actor=caseworker)
    workflow.case_return(case=case, reason="请补充参保职工名册", actor=caseworker)
    case.refresh_from_db()
    assert not m01.hardship_track_allowed(case)
    case = workflow.case_submit(case=case, token=uuid.uuid4(), actor=applicant)
    assert case.calculation["eligible"] is False
    assert case.calculation["as_of"] == "2020-01-01"


def test_一_a_draft_cannot_write_its_own_application_date(applicant, on_hardship_list) -> None:
    case = hardship_draft(applicant, on_hardship_list)
    case = workflow.case_draft_save(case=case, answers={m01.FIRST_SUBMITTED: "2019-06-30"}, actor=applicant)
    assert not m01.hardship_track_allowed(case)
    case = workflow.case_submit(case=case, token=uuid.uuid4(), actor=applicant)
    assert case.answers[m01.FIRST_SUBMITTED] != "2019-06-30"
    assert case.calculation["eligible"] is False


def test_一_hardship_years_are_offered_only_while_the_window_is_open() -> None:
    assert m01.hardship_window_years(2019, on=date(2019, 1, 1)) == [2019]
    assert m01.hardship_window_years(2019, on=date(2019, 12, 31)) == [2019]
    assert m01.hardship_window_years(2019, on=date(2020, 1, 1)) == []
    assert m01.hardship_window_years(2019) == []  # today, years after the plan's 2019


def test_一_standard_refund_is_calculated_by_the_rules_of_its_first_submission(
    applicant, caseworker, officer, make_enterprise, submit_refund
) -> None:
    case = first_submitted_on(submit_refund(applicant, make_enterprise(officer)), date(2019, 3, 1))
    workflow.case_take(case=case, actor=caseworker)
    workflow.case_return(case=case, reason="请核对缴费月数", actor=caseworker)
    case.refresh_from_db()
    case = workflow.case_submit(case=case, token=uuid.uuid4(), actor=applicant)
    assert case.calculation["as_of"] == "2019-03-01"
    assert case.calculation["amount"] == "24000.00"


def test_一_recalculating_under_2019_parameters_does_not_reopen_the_hardship_track(applicant, on_hardship_list) -> None:
    """The impact preview of a parameter change reads another day's parameters; the window stays the
    application's."""
    case = workflow.case_submit(case=hardship_draft(applicant, on_hardship_list), token=uuid.uuid4(), actor=applicant)
    result = m01.refund_recalculate(case, date(2019, 6, 1))
    assert result["eligible"] is False
    assert "outside_hardship_window" in [reason["code"] for reason in result["reasons"]]
