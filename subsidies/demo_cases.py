"""Demo cases for the workbench: a living queue in 塔城市 with a case in every state and published lists.

Called by subsidies.demo.seed (after registry.demo and the demo accounts of seed_demo). Every case goes through the
services, so each has its real history. Idempotent: a second run finds the demo cases and changes nothing.
Synthetic only: the registry's demo enterprises (valid check characters, Faker names).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from registry.demo import demo_credit_code
from registry.models import County, Enterprise, InsuranceYear, Source
from registry.services import enterprise_register, insurance_year_record
from subsidies.cases import publication, workflow
from subsidies.demo_commitments import seed as seed_commitments
from subsidies.measures import m01_stable_job_refund
from subsidies.models import Case, CaseKind, CaseState, NoticeListKind, PublicNotice

COUNTY = "654201"
YEAR = 2019
# demo_credit_code numbers of the workbench's demo enterprises (registry.demo uses 1-12).
ENTERPRISE_NUMBERS = range(500, 514)
FINAL_TITLE = "塔城市2019年稳岗返还发放名单公示（已结束）"
CURRENT_TITLE = "塔城市2019年稳岗返还拟发放名单公示"


def _users() -> dict[str, Any] | None:
    from django.contrib.auth import get_user_model

    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["enterprise", "caseworker", "officer"])
    }
    return users if len(users) == 3 else None


def _demo_enterprises() -> list[Enterprise]:
    """Fourteen synthetic enterprises of 塔城市 with last year's insurance facts (created once)."""
    import random

    from faker import Faker

    fake = Faker("zh_CN")
    fake.seed_instance(2020)
    rng = random.Random(2020)  # noqa: S311 - reproducible demo data, not secrets
    county = County.objects.get(code=COUNTY)
    enterprises = []
    for i in range(ENTERPRISE_NUMBERS.start, ENTERPRISE_NUMBERS.stop):
        name, start = fake.company(), rng.randint(20, 150)
        code = demo_credit_code(i, COUNTY)
        enterprise = Enterprise.objects.filter(credit_code=code).first()
        if enterprise is None:
            enterprise = enterprise_register(
                credit_code=code, name=name, county=county, size_class="small", industry="制造业", actor=None
            )
        if not InsuranceYear.objects.filter(enterprise=enterprise, year=YEAR - 1).exists():
            insurance_year_record(
                enterprise=enterprise,
                year=YEAR - 1,
                actor=None,
                source=Source.DEMO,
                insured_at_start=start,
                insured_at_end=start - 1,
                retired_or_deceased=1,
                ui_premiums_paid=Decimal(start * 310).quantize(Decimal("0.01")),
                ui_months_paid_in_full=12,
                monthly_social_insurance_due=Decimal(start * 950).quantize(Decimal("0.01")),
            )
        enterprises.append(enterprise)
    return enterprises


def _submit(enterprise: Enterprise, applicant: Any, *, change: dict[str, Any] | None = None) -> Case:
    case = workflow.case_draft_start(kind=CaseKind.STABLE_JOB_REFUND, enterprise=enterprise, year=YEAR, actor=applicant)
    answers = {
        **(m01_stable_job_refund.registry_figures(enterprise=enterprise, year=YEAR) or {}),
        "figures_source": "registry",
    }
    if change:
        answers.update(change)
    workflow.case_draft_save(
        case=case, answers=answers, actor=applicant, track="standard", bank_account=f"62284800{enterprise.pk:011d}"
    )
    return workflow.case_submit(case=case, token=uuid.uuid4(), actor=applicant)


def seed_cases(*, stdout: Any) -> None:
    users = _users()
    if users is None:
        stdout.write("  demo cases: skipped (run seed_demo, which creates the demo accounts)")
        return
    applicant, worker, officer = users["enterprise"], users["caseworker"], users["officer"]
    enterprises = _demo_enterprises()
    if Case.objects.filter(enterprise__in=enterprises, year=YEAR).exists() or len(enterprises) < 12:
        seed_commitments(stdout=stdout)
        _summary(stdout)
        return
    with transaction.atomic():
        submitted = [_submit(e, applicant) for e in enterprises[:11]]
        eligible = [c for c in submitted if c.calculation and c.calculation.get("eligible")]
        others = [c for c in submitted if c not in eligible]
        # Decisions need eligible cases; the rest wait in the queue (or are rejected with a reason).
        to_approve = eligible[:6]
        waiting = [c for c in submitted if c not in to_approve]
        for case in to_approve:
            workflow.case_take(case=case, actor=worker)
            workflow.case_approve(case=case, actor=worker)
        final_cases, notice_cases, approved_waiting = to_approve[:2], to_approve[2:5], to_approve[5:]

        # A list whose period is over and that became final (its period moved into the past: demo only).
        final = publication.notice_publish(
            kind=NoticeListKind.REFUND_APPROVALS,
            county=final_cases[0].county if final_cases else None,
            title=FINAL_TITLE,
            starts_on=timezone.localdate(),
            actor=officer,
            cases=final_cases,
        )
        start = timezone.localdate() - timedelta(days=30)
        PublicNotice.objects.filter(pk=final.pk).update(starts_on=start, ends_on=start + timedelta(days=6))
        publication.notice_finalise(notice=final, actor=officer)

        # A list on notice now, with one open objection for the caseworker to resolve.
        if notice_cases:
            current = publication.notice_publish(
                kind=NoticeListKind.REFUND_APPROVALS,
                county=notice_cases[0].county,
                title=CURRENT_TITLE,
                starts_on=timezone.localdate(),
                actor=officer,
                cases=notice_cases,
            )
            publication.objection_submit(
                notice=current,
                entry=current.entries.first(),
                name="张明",
                contact="13899990000",
                text="听说该企业去年年底有一批员工被辞退，请核实。",
            )
        del approved_waiting  # approved, waiting for the next list

        # The rest: in review, returned, resubmitted, rejected, and two left in the queue.
        if len(waiting) >= 4:
            in_review, returned, resubmitted, rejected = waiting[:4]
            workflow.case_take(case=in_review, actor=worker)
            for case in (returned, resubmitted):
                workflow.case_take(case=case, actor=worker)
                workflow.case_return(case=case, reason="请补充上年末参保职工花名册。", actor=worker)
            resubmitted.refresh_from_db()
            workflow.case_draft_save(
                case=resubmitted, answers={"figures_change_reason": "已补充花名册"}, actor=applicant
            )
            workflow.case_submit(case=resubmitted, token=uuid.uuid4(), actor=applicant)
            workflow.case_take(case=rejected, actor=worker)
            reason = (
                "上年度裁员率高于城镇登记失业率，不符合稳岗返还条件。"
                if rejected in others
                else "企业上年度存在欠缴社会保险费，不符合条件。"
            )
            workflow.case_reject(case=rejected, reason=reason, actor=worker)

        # One application whose figures differ from the registry (highlighted on the review page), and a draft.
        extra = enterprises[11:]
        if extra:
            row = m01_stable_job_refund.registry_figures(enterprise=extra[0], year=YEAR) or {}
            _submit(
                extra[0],
                applicant,
                change={
                    "insured_at_end": int(row.get("insured_at_end", 10)) + 2,
                    "figures_source": "applicant",
                    "figures_change_reason": "年末新招两名职工，社保系统尚未更新。",
                    "figures_changed": ["insured_at_end"],
                },
            )
        if len(extra) > 1:
            workflow.case_draft_start(kind=CaseKind.STABLE_JOB_REFUND, enterprise=extra[1], year=YEAR, actor=applicant)
    # 告知承诺制: a promised residence proof in the queue, a pending post-check, and a decision revoked after one.
    seed_commitments(stdout=stdout)
    _summary(stdout)


def _summary(stdout: Any) -> None:
    counts = {state.label: Case.objects.filter(county__code=COUNTY, state=state).count() for state in CaseState}
    total = sum(counts.values())
    amount = sum((c.approved_amount or Decimal(0) for c in Case.objects.filter(state=CaseState.FINAL)), Decimal(0))
    stdout.write(
        f"  demo cases in 塔城市: {total} ({', '.join(f'{k}: {v}' for k, v in counts.items() if v)}); "
        f"{PublicNotice.objects.count()} public notice lists; final refunds {amount} yuan. "
        "Sign in as caseworker at /workbench/cases/, as officer at /workbench/notices/; lists at /notices/."
    )
