"""The dashboard's case tallies (clauses （十二）, （十三）): kept by the workflow's transitions, they give the same
figures as counting the cases themselves, and two transitions at once never lose a count."""

from __future__ import annotations

import random
import threading
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, F, FloatField, Func, Q, Sum
from django.db.models.functions import TruncMonth

from registry.identifiers import credit_code_check_character, organisation_code_check_digit
from registry.refusals import Refused
from subsidies import statistics, summaries
from subsidies.cases import publication, workflow
from subsidies.cases.states import AWAITING_CASEWORKER, GRANTED
from subsidies.models import Case, CaseKind, CaseState, CaseTally, NoticeListKind
from subsidies.statistics import Scope

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
S = CaseState


def at(m: int, d: int, h: int = 10) -> datetime:
    return datetime(2019, m, d, h, tzinfo=TZ)


def credit_code(n: int, county: str) -> str:
    org = f"{n:08d}"
    body = f"91{county}{org}{organisation_code_check_digit(org)}"
    return body + credit_code_check_character(body)


# --- The oracle: the dashboard's queries as they were before the tallies, straight over the cases -----------------


def counted_from_cases(scope: Scope) -> dict[tuple[int, date, str], dict[str, Any]]:
    zero = Decimal("0.00")
    out: dict[tuple[int, date, str], dict[str, Any]] = {}

    def row(county_id: int, month: datetime, kind: str) -> dict[str, Any]:
        return out.setdefault(
            (county_id, month.date(), kind),
            {"received": 0, "approved": 0, "rejected": 0, "amount_approved": zero, "amount_paid": zero},
        )

    cases = scope.cases()
    for county_id, month, kind, n in (
        cases.filter(submitted_at__gte=scope.start_at, submitted_at__lt=scope.end_at)
        .annotate(m=TruncMonth("submitted_at", tzinfo=TZ))
        .values_list("county_id", "m", "kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        row(county_id, month, kind)["received"] = n
    for county_id, month, kind, approved, rejected, amount in (
        cases.filter(decided_at__gte=scope.start_at, decided_at__lt=scope.end_at)
        .annotate(m=TruncMonth("decided_at", tzinfo=TZ))
        .values_list("county_id", "m", "kind")
        .annotate(
            approved=Count("id", filter=Q(state__in=GRANTED)),
            rejected=Count("id", filter=Q(state=S.REJECTED)),
            amount=Sum("approved_amount", filter=Q(state__in=GRANTED)),
        )
        .order_by()
    ):
        r = row(county_id, month, kind)
        r["approved"], r["rejected"], r["amount_approved"] = approved, rejected, amount or zero
    for county_id, month, kind, amount in (
        cases.filter(state=S.FINAL, finalised_at__gte=scope.start_at, finalised_at__lt=scope.end_at)
        .annotate(m=TruncMonth("finalised_at", tzinfo=TZ))
        .values_list("county_id", "m", "kind")
        .annotate(amount=Sum("approved_amount"))
        .order_by()
    ):
        row(county_id, month, kind)["amount_paid"] = amount or zero
    return out


def waiting_from_cases(scope: Scope, today: date) -> dict[tuple[int, str], int]:
    cutoff = datetime.combine(statistics.service_target_cutoff(today, 20), datetime.min.time(), tzinfo=TZ)
    rows = (
        scope.cases()
        .filter(state__in=AWAITING_CASEWORKER, submitted_at__lt=cutoff)
        .values_list("county_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(county_id, kind): n for county_id, kind, n in rows}


def decision_times_from_cases(scope: Scope) -> dict[tuple[int, str], dict[str, Any]]:
    seconds = Func(
        F("decided_at") - F("submitted_at"), template="EXTRACT(EPOCH FROM %(expressions)s)", output_field=FloatField()
    )
    rows = (
        scope.cases()
        .filter(decided_at__gte=scope.start_at, decided_at__lt=scope.end_at, submitted_at__isnull=False)
        .values_list("county_id", "kind")
        .annotate(
            n=Count("id"),
            p50=statistics.PercentileCont(seconds, 0.5),
            p90=statistics.PercentileCont(seconds, 0.9),
        )
        .order_by()
    )
    return {
        (county_id, kind): {"decided": n, "median_days": statistics._days(p50), "p90_days": statistics._days(p90)}
        for county_id, kind, n, p50, p90 in rows
    }


def tallies() -> dict[tuple[Any, ...], tuple[int, Decimal]]:
    return {
        (t.basis, t.period, t.county_id, t.kind, t.state, t.days): (t.cases, t.amount)
        for t in CaseTally.objects.exclude(cases=0)
    }


# --- A spring of work in two counties, through the real workflow ------------------------------------------------


@pytest.fixture
def spring(officer, caseworker, caseworker_wusu, make_user, make_enterprise, submit_refund):
    """塔城市: t1 approved in March, published in April, final in May; t2 rejected in March; t3 returned in March,
    resubmitted and approved in April, published, then back in review after an upheld objection; t4 in review;
    t5 waiting. 乌苏市: w1 approved in March above its calculated amount (waits for a second officer); w2 waiting."""
    from portal.roles import Role

    applicant = make_user(Role.ENTERPRISE_APPLICANT, username="spring.applicant")
    with time_machine.travel(at(3, 4), tick=False):
        t = [
            submit_refund(applicant, make_enterprise(officer, code=credit_code(n, "654201"), county="654201"))
            for n in range(1, 6)
        ]
        w = [
            submit_refund(applicant, make_enterprise(officer, code=credit_code(n, "654202"), county="654202"))
            for n in range(6, 8)
        ]
    with time_machine.travel(at(3, 20), tick=False):
        for case in t[:4]:
            workflow.case_take(case=case, actor=caseworker)
        workflow.case_approve(case=t[0], actor=caseworker)
        workflow.case_reject(case=t[1], reason="上年度裁员率高于登记失业率", actor=caseworker)
        workflow.case_return(case=t[2], reason="请补充缴费凭证原件扫描件", actor=caseworker)
        workflow.case_take(case=w[0], actor=caseworker_wusu)
        workflow.case_approve(
            case=w[0], actor=caseworker_wusu, amount=Decimal("30000.00"), override_reason="按补缴后的保费重新核定"
        )
    with time_machine.travel(at(4, 2), tick=False):
        workflow.case_submit(case=t[2], token=uuid.uuid4(), actor=applicant)
        workflow.case_take(case=t[2], actor=caseworker)
        workflow.case_approve(case=t[2], actor=caseworker)
        notice = publication.notice_publish(
            kind=NoticeListKind.REFUND_APPROVALS,
            county=t[0].county,
            title="2019年度稳岗返还拟批准名单公示",
            starts_on=date(2019, 4, 2),
            actor=officer,
            cases=[t[0], t[2]],
        )
    with time_machine.travel(at(4, 3), tick=False):
        entry = notice.entries.get(case=t[2])
        objection = publication.objection_submit(
            notice=notice, entry=entry, name="张伟", contact="13800000000", text="该企业去年裁员较多，与公示不符"
        )
        publication.objection_resolve(objection=objection, upheld=True, reason="核实裁员人数有误", actor=caseworker)
    with time_machine.travel(at(5, 6), tick=False):
        publication.notice_finalise(notice=notice, actor=officer, today=date(2019, 5, 6))
    return {"t": [Case.objects.get(pk=c.pk) for c in t], "w": [Case.objects.get(pk=c.pk) for c in w]}


def test_the_spring_went_through_every_state_the_dashboard_counts(spring):
    t, w = spring["t"], spring["w"]
    assert [c.state for c in t] == [S.FINAL, S.REJECTED, S.IN_REVIEW, S.IN_REVIEW, S.SUBMITTED]
    assert [c.state for c in w] == [S.APPROVED, S.SUBMITTED]
    assert t[2].decided_at is not None  # reopened: decided in April, and back in review


@pytest.mark.parametrize(
    "scope",
    [
        Scope(start=date(2019, 1, 1), end=date(2019, 12, 1)),
        Scope(start=date(2019, 4, 1), end=date(2019, 5, 1)),
        Scope(start=date(2019, 3, 1), end=date(2019, 3, 1), kinds=(CaseKind.STABLE_JOB_REFUND,)),
        Scope(start=date(2019, 1, 1), end=date(2019, 12, 1), kinds=(CaseKind.TRAINING_SUBSIDY,)),
    ],
    ids=["year", "april-may", "march-refunds", "no-training"],
)
def test_the_figures_from_tallies_are_those_counted_from_the_cases(spring, scope):
    assert statistics.cases_by_county_month_kind(scope) == counted_from_cases(scope)
    assert statistics.decision_times(scope) == decision_times_from_cases(scope)
    for today in (date(2019, 4, 1), date(2019, 5, 31)):
        assert statistics.waiting_past_target(scope, today=today) == waiting_from_cases(scope, today)


def test_the_figures_agree_county_by_county(spring):
    for county_id in {c.county_id for c in spring["t"] + spring["w"]}:
        scope = Scope(start=date(2019, 1, 1), end=date(2019, 12, 1), county_ids=(county_id,))
        assert statistics.cases_by_county_month_kind(scope) == counted_from_cases(scope)
        assert statistics.waiting_past_target(scope, today=date(2019, 5, 31)) == waiting_from_cases(
            scope, date(2019, 5, 31)
        )


def test_the_spring_reads_as_a_caseworker_would_count_it(spring):
    figures = statistics.cases_by_county_month_kind(Scope(start=date(2019, 3, 1), end=date(2019, 5, 1)))
    tacheng, wusu = spring["t"][0].county_id, spring["w"][0].county_id
    refund = CaseKind.STABLE_JOB_REFUND
    march, april, may = date(2019, 3, 1), date(2019, 4, 1), date(2019, 5, 1)
    # t1 approved and t2 rejected in March; t3 decided in April but back in review: decided, neither way.
    assert figures[(tacheng, march, refund)] == {
        "received": 5,
        "approved": 1,
        "rejected": 1,
        "amount_approved": Decimal("24000.00"),
        "amount_paid": Decimal("0.00"),
    }
    assert figures[(tacheng, april, refund)]["approved"] == 0
    assert figures[(tacheng, may, refund)]["amount_paid"] == Decimal("24000.00")
    assert figures[(wusu, march, refund)]["amount_approved"] == Decimal("30000.00")
    # On 2019-05-31 t5 and w2 (submitted 2019-03-04) and t4 and t3 (in review) wait past the 20 working days.
    waiting = statistics.waiting_past_target(Scope(start=march, end=may), today=date(2019, 5, 31))
    assert waiting == {(tacheng, refund): 3, (wusu, refund): 1}


def test_the_percentiles_of_many_decisions_are_those_postgresql_computes_over_the_cases(
    officer, county, register_person
):
    """Durations spread over weeks, with ties and with many in one day, in two counties, two policies and three
    months, written directly and then rebuilt: the median and 90th percentile read from the tallies and the few
    cases at their ranks are percentile_cont's over every case."""
    rng = random.Random(17)  # synthetic, reproducible
    counties = [county("654201"), county("654202")]
    person = register_person("654201198503150018", counties[0], officer)
    for n in range(240):
        submitted = at(3 + n % 3, 1 + n % 27, 9) + timedelta(minutes=rng.randint(0, 600))
        if n % 7 == 0:
            duration = timedelta(days=2, hours=3)  # ties
        elif n % 5 == 0:
            duration = timedelta(days=rng.randint(0, 2), seconds=rng.randint(0, 86_399))  # crowded days
        else:
            duration = timedelta(seconds=rng.randint(0, 45 * 86_400), microseconds=rng.randint(0, 999_999))
        Case.objects.create(
            reference=f"P-{n}",
            kind=CaseKind.TRAINING_SUBSIDY if n % 4 else CaseKind.SKILL_UPGRADE,
            state=S.REJECTED if n % 3 == 0 else S.FINAL,
            county=counties[n % 2],
            person=person,
            year=2019,
            created_by=officer,
            submitted_at=submitted,
            decided_at=submitted + duration,
        )
    summaries.rebuild()
    for scope in (
        Scope(start=date(2019, 3, 1), end=date(2019, 5, 1)),
        Scope(start=date(2019, 4, 1), end=date(2019, 4, 1)),
        Scope(start=date(2019, 3, 1), end=date(2019, 6, 1), county_ids=(counties[1].pk,)),
        Scope(start=date(2019, 5, 1), end=date(2019, 6, 1), kinds=(CaseKind.SKILL_UPGRADE,)),
    ):
        figures = statistics.decision_times(scope)
        assert figures
        assert figures == decision_times_from_cases(scope)


def test_the_tallies_kept_by_transitions_are_those_a_rebuild_counts(spring):
    kept = tallies()
    call_command("case_tallies_rebuild", verbosity=0)
    assert tallies() == kept


def test_a_draft_counts_nowhere_and_saving_it_moves_nothing(officer, make_enterprise):
    ent = make_enterprise(officer, code=credit_code(9, "654201"), county="654201")
    case = workflow.case_draft_start(kind=CaseKind.STABLE_JOB_REFUND, enterprise=ent, year=2019, actor=officer)
    workflow.case_draft_save(case=case, answers={"ui_premiums_paid_last_year": "1000.00"}, actor=officer)
    assert tallies() == {}


def test_a_failed_transition_leaves_the_tallies_as_they_were(spring, caseworker):
    before = tallies()
    t5 = spring["t"][4]
    # Taken, then refused a rejection without a reason, in one transaction: the taking is undone with its counts.
    with pytest.raises(Refused), transaction.atomic():
        workflow.case_take(case=t5, actor=caseworker)
        workflow.case_reject(case=t5, reason="", actor=caseworker)
    assert tallies() == before


# --- Two transitions at once ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_transitions_at_once_never_lose_a_count(officer, caseworker, make_user, make_enterprise, submit_refund):
    """Two caseworkers take a case each at the same moment: both moves land in the same tally rows (塔城市, this
    month, refund, submitted -> in review). The first holds its transaction open while the second adds its own."""
    from portal.roles import Role

    second = make_user(Role.COUNTY_CASEWORKER, county_code="654201", username="second.caseworker")
    applicant = make_user(Role.ENTERPRISE_APPLICANT, username="race.applicant")
    cases = [
        submit_refund(applicant, make_enterprise(officer, code=credit_code(n, "654201"), county="654201"))
        for n in (21, 22)
    ]
    first_in = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                workflow.case_take(case=cases[0], actor=caseworker)
                first_in.set()
                # The second transition now waits on the tally rows this one holds; give it time to get there.
                threading.Event().wait(0.5)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
            first_in.set()
        finally:
            connection.close()

    def second_take() -> None:
        try:
            first_in.wait(10)
            workflow.case_take(case=cases[1], actor=second)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second_take)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    month = statistics.month_start(cases[0].submitted_at.astimezone(TZ).date())
    in_review = CaseTally.objects.get(
        basis=CaseTally.Basis.RECEIVED,
        period=month,
        county=cases[0].county,
        kind=CaseKind.STABLE_JOB_REFUND,
        state=S.IN_REVIEW,
    )
    assert in_review.cases == 2
    kept = tallies()
    summaries.rebuild()
    assert tallies() == kept
