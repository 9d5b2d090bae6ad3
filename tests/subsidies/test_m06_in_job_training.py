"""（六） 2019年1月1日至12月31日，困难企业可组织开展职工在岗培训……不足部分经……审核评估合格后，可由就业补助资金予以
适当支持: the course lies in 2019, and the county approves at most a ceiling, a share of the shortfall."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.utils import translation

from portal.roles import Role
from registry.refusals import Refused
from subsidies.cases import claims
from subsidies.cases.workflow import case_approve, case_take
from subsidies.measures import m06_in_job_training
from subsidies.models import Case, CaseKind, CaseState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def applicant(make_user):
    return make_user(Role.ENTERPRISE_APPLICANT)


@pytest.fixture
def listed(applicant, officer, make_enterprise):
    host = make_enterprise(officer)
    Case.objects.create(
        kind=CaseKind.HARDSHIP_RECOGNITION,
        enterprise=host,
        county=host.county,
        year=2019,
        state=CaseState.FINAL,
        reference="KN-654201-2019-000001",
        created_by=applicant,
    )
    return host


def training(applicant, host, start: str, end: str) -> Case:
    return m06_in_job_training.in_job_training_start(
        enterprise=host,
        answers={
            "course": "安全生产",
            "training_start": start,
            "training_end": end,
            "trainees": 20,
            "training_costs": "30000.00",
            "education_fund": "12000.00",
        },
        actor=applicant,
    )


def test_六_course_ending_on_the_windows_last_day_qualifies(applicant, listed) -> None:
    case = claims.claim_submit(
        case=training(applicant, listed, "2019-12-20", "2019-12-31"), token=uuid.uuid4(), actor=applicant
    )
    assert case.calculation["eligible"] is True
    window = next(c for c in claims.evaluate(case)[0] if c.code == "window")
    assert window.passed


def test_六_course_running_into_2020_is_refused(applicant, listed) -> None:
    with pytest.raises(Refused, match="not inside 2019-01-01 to 2019-12-31"):
        claims.claim_submit(
            case=training(applicant, listed, "2019-12-30", "2020-01-02"), token=uuid.uuid4(), actor=applicant
        )


def test_六_course_in_2020_for_the_2019_case_is_refused(applicant, listed) -> None:
    with pytest.raises(Refused, match="not inside"):
        claims.claim_submit(
            case=training(applicant, listed, "2020-03-02", "2020-03-06"), token=uuid.uuid4(), actor=applicant
        )


def test_六_support_is_a_judgement_at_most_the_ceiling(applicant, listed, caseworker) -> None:
    case = claims.claim_submit(
        case=training(applicant, listed, "2019-05-06", "2019-05-10"), token=uuid.uuid4(), actor=applicant
    )
    assert case.calculated_amount == Decimal("9000.00")  # 0.50 (sample ceiling) x 18,000.00 shortfall, not 18,000
    review = next(c for c in claims.evaluate(case)[0] if c.code == "county_review")
    assert review.passed is None and "at most 9000.00" in str(review.reason)
    case_take(case=Case.objects.get(pk=case.pk), actor=caseworker)
    with pytest.raises(Refused, match=r"at most 9000\.00"):
        case_approve(
            case=Case.objects.get(pk=case.pk),
            actor=caseworker,
            amount=Decimal("18000.00"),
            override_reason="The whole shortfall.",
        )
    assert Case.objects.get(pk=case.pk).state == CaseState.IN_REVIEW
