"""Cases: drafts, submission, review, decision, public notice and finalisation.

Every state change goes through `transition()`: one explicit map of allowed transitions, checked here, refused in
words a caseworker understands; each change runs in one transaction with its audit row (registry.audit), and side
effects (notices, emails) are queued with transaction.on_commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.audit import audit_record
from registry.crypto import mask_bank_account
from registry.models import Enterprise, InsuranceYear
from registry.refusals import Refused
from subsidies.calculators import POLICIES, run
from subsidies.calculators.base import InputErrors
from subsidies.models import (
    Case,
    CaseKind,
    CaseState,
    NoticeListKind,
    NoticeListState,
    Objection,
    ObjectionState,
    PublicNotice,
    PublicNoticeEntry,
    ReferenceCounter,
    Track,
)

S = CaseState

# The reference's prefix per kind: WG-654201-2019-000123.
REFERENCE_PREFIX = {
    CaseKind.STABLE_JOB_REFUND: "WG",  # 稳岗
    CaseKind.HARDSHIP_RECOGNITION: "KN",  # 困难企业
    CaseKind.UNEMPLOYMENT_REGISTRATION: "SY",  # 失业登记
    CaseKind.DIFFICULTY_RECOGNITION: "KR",  # 困难人员
    CaseKind.TRAINING_SUBSIDY: "PX",  # 培训
    CaseKind.LIVING_ALLOWANCE: "SH",  # 生活费
    CaseKind.SKILL_UPGRADE: "JN",  # 技能
    CaseKind.INTERNSHIP_BASE: "JD",  # 见习基地
    CaseKind.INTERNSHIP: "JX",  # 见习
    CaseKind.STARTUP_LOAN: "CD",  # 创业担保贷款
    CaseKind.IN_JOB_TRAINING: "GP",  # 岗位培训
    CaseKind.GUARANTEE_REFERRAL: "RZ",  # 融资担保
}
# Kinds whose approvals are published for public notice (公示) before they become final (clause (一)).
PUBLISHED_KINDS = {
    CaseKind.STABLE_JOB_REFUND: NoticeListKind.REFUND_APPROVALS,
    CaseKind.HARDSHIP_RECOGNITION: NoticeListKind.HARDSHIP_RECOGNITIONS,
}
DECIDE_PERMISSION = "portal.decide_case"
VIEW_ALL_PERMISSION = "portal.view_all_counties"
PUBLISH_PERMISSION = "portal.publish_notice"


@dataclass(frozen=True)
class Transition:
    name: str
    label: Any
    sources: frozenset[str]
    target: str
    needs_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition("submit", gettext_lazy("Submitted"), frozenset({S.DRAFT}), S.SUBMITTED),
        Transition("claim", gettext_lazy("Taken for review"), frozenset({S.SUBMITTED, S.RESUBMITTED}), S.IN_REVIEW),
        Transition("release", gettext_lazy("Put back in the queue"), frozenset({S.IN_REVIEW}), S.SUBMITTED),
        Transition("return", gettext_lazy("Returned for correction"), frozenset({S.IN_REVIEW}), S.RETURNED, True),
        Transition("resubmit", gettext_lazy("Corrected and resubmitted"), frozenset({S.RETURNED}), S.RESUBMITTED),
        Transition("approve", gettext_lazy("Approved"), frozenset({S.IN_REVIEW}), S.APPROVED),
        Transition("reject", gettext_lazy("Rejected"), frozenset({S.IN_REVIEW}), S.REJECTED, True),
        Transition("publish", gettext_lazy("Published for public notice"), frozenset({S.APPROVED}), S.ON_NOTICE),
        Transition("finalise", gettext_lazy("Final"), frozenset({S.ON_NOTICE, S.APPROVED}), S.FINAL),
        Transition(
            "reopen",
            gettext_lazy("Back to review after an upheld objection"),
            frozenset({S.ON_NOTICE}),
            S.IN_REVIEW,
            True,
        ),
    ]
}

# What an applicant sees as the next step, per state.
NEXT_STEP = {
    S.DRAFT: gettext_lazy("Finish your application and submit it."),
    S.SUBMITTED: gettext_lazy("Waiting for a caseworker of your county to take it."),
    S.IN_REVIEW: gettext_lazy("A caseworker is reviewing it. Nothing to do for now."),
    S.RETURNED: gettext_lazy("Correct your application as the caseworker asks, then resubmit it."),
    S.RESUBMITTED: gettext_lazy("Waiting for a caseworker to review your corrections."),
    S.APPROVED: gettext_lazy("Approved. It will be published for public notice before it becomes final."),
    S.REJECTED: gettext_lazy("Rejected. The rejection notice says why and how to appeal."),
    S.ON_NOTICE: gettext_lazy("On public notice. It becomes final when the notice period ends without objection."),
    S.FINAL: gettext_lazy("Final. Download your notice."),
}

# Hooks called inside the transaction of every transition, after its audit row: (case, transition name) -> None.
# A hook writes its own rows in that transaction (e.g. a NoticeJob) and defers I/O with transaction.on_commit.
ON_TRANSITION: list[Callable[[Case, str], None]] = []


def _state_label(state: str) -> str:
    return str(CaseState(state).label)


def transition(case: Case, name: str, *, actor: Any, reason: str = "", extra: dict[str, Any] | None = None) -> Case:
    """Move a locked case along one allowed transition and write its audit row. Call inside transaction.atomic."""
    step = TRANSITIONS[name]
    if case.state not in step.sources:
        raise Refused(
            _("This case is %(state)s, so it cannot be %(action)s now.")
            % {"state": _state_label(case.state), "action": str(step.label).lower()}
        )
    reason = (reason or "").strip()
    if step.needs_reason and not reason:
        raise Refused(_("Give a reason: the applicant will read it."), field="reason")
    before = case.state
    case.state = step.target
    case.save()
    audit_record(
        actor=actor,
        action=f"case_{name}",
        target=case,
        before={"state": before},
        after={"state": case.state, **(extra or {})},
        reason=reason,
    )
    for hook in ON_TRANSITION:
        hook(case, name)
    return case


def _lock(case: Case) -> Case:
    # The county comes in the same query (the reference number needs its code); only the case row is locked.
    return Case.objects.select_for_update(of=("self",)).select_related("county").get(pk=case.pk)


def _next_reference(kind: str, county_code: str, year: int) -> str:
    """The next number of the county's series. One statement (an upsert) instead of get_or_create + SELECT FOR
    UPDATE + UPDATE: the counter row stays locked until the transaction ends, so callers take it as late as they can.
    """
    prefix = REFERENCE_PREFIX[CaseKind(kind)]
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, county_code, year, last) VALUES (%s, %s, %s, 1) "  # noqa: S608 - _meta name
            f"ON CONFLICT (prefix, county_code, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [prefix, county_code, year],
        )
        (last,) = cursor.fetchone()
    return f"{prefix}-{county_code}-{year}-{last:06d}"


# --- The applicant's side ---------------------------------------------------------------------------------


def calculation_date(year: int) -> date:
    """The rules of the year applied for: today's if within it, else that year's last (first) day."""
    today = timezone.localdate()
    return max(date(year, 1, 1), min(today, date(year, 12, 31)))


def hardship_list_includes(*, enterprise: Enterprise, year: int) -> bool:
    """Is the enterprise on a final hardship list for `year` (its recognition published and final)? (一)"""
    return Case.objects.filter(
        kind=CaseKind.HARDSHIP_RECOGNITION, enterprise=enterprise, year=year, state=S.FINAL
    ).exists()


def registry_figures(*, enterprise: Enterprise, year: int) -> dict[str, Any] | None:
    """Last year's figures as the social-insurance system reported them, to prefill an application."""
    row = InsuranceYear.objects.filter(enterprise=enterprise, year=year - 1).first()
    if row is None:
        return None
    return {
        "ui_premiums_paid_last_year": str(row.ui_premiums_paid),
        "ui_months_paid_in_full": row.ui_months_paid_in_full,
        "insured_at_start": row.insured_at_start,
        "insured_at_end": row.insured_at_end,
        "retired_or_deceased": row.retired_or_deceased,
        "insured_employees": row.insured_at_end,
        "monthly_social_insurance_due": str(row.monthly_social_insurance_due),
    }


def refund_calculate(*, case: Case, on: date | None = None) -> dict[str, Any]:
    """The calculator's result for a stable-job refund case, from its answers (clause (一)).

    `on`: the rules of another day of the year applied for (the impact preview of a parameter change).
    """
    answers = case.answers
    on = on or calculation_date(case.year)
    inputs: dict[str, Any] = {"application_date": on.isoformat(), "track": case.track or Track.STANDARD}
    if inputs["track"] == Track.STANDARD:
        keys = [
            "ui_premiums_paid_last_year",
            "ui_months_paid_in_full",
            "insured_at_start",
            "insured_at_end",
            "retired_or_deceased",
        ]
    else:
        keys = ["insured_employees", "monthly_social_insurance_due"]
        inputs["on_hardship_list"] = hardship_list_includes(enterprise=case.enterprise, year=case.year)
    for key in keys:
        if answers.get(key) not in (None, ""):
            inputs[key] = answers[key]
    return run(POLICIES["stable-job-refund"], inputs, on=on).as_dict()


def case_draft_start(*, kind: str, enterprise: Enterprise, year: int, actor: Any) -> Case:
    """The enterprise's live case of this kind and year, or a new draft. Never two (database constraint)."""
    live = Case.objects.filter(kind=kind, enterprise=enterprise, year=year).exclude(state=S.REJECTED).first()
    if live is not None:
        return live
    try:
        with transaction.atomic():
            case = Case.objects.create(
                kind=kind, enterprise=enterprise, county=enterprise.county, year=year, created_by=actor
            )
            audit_record(actor=actor, action="case_draft_start", target=case, after={"state": case.state})
    except IntegrityError:
        # Another request started it a moment ago.
        return Case.objects.filter(kind=kind, enterprise=enterprise, year=year).exclude(state=S.REJECTED).get()
    return case


def case_draft_new(
    *,
    kind: str,
    year: int,
    county: Any,
    actor: Any,
    person: Any = None,
    enterprise: Enterprise | None = None,
    answers: dict[str, Any] | None = None,
) -> Case:
    """A new draft for kinds of which an applicant may have several (claims); the caller checks any once-only rule."""
    with transaction.atomic():
        case = Case.objects.create(
            kind=kind,
            person=person,
            enterprise=enterprise,
            county=county,
            year=year,
            answers=answers or {},
            created_by=actor,
        )
        audit_record(actor=actor, action="case_draft_start", target=case, after={"state": case.state})
    return case


def case_draft_save(
    *, case: Case, answers: dict[str, Any], actor: Any, track: str | None = None, bank_account: str | None = None
) -> Case:
    """Save one step of the application form. Only drafts and returned cases can be edited."""
    with transaction.atomic():
        case = _lock(case)
        if case.state not in (S.DRAFT, S.RETURNED):
            raise Refused(_("This application has been submitted and can no longer be changed."))
        case.answers = {**case.answers, **answers}
        if track is not None:
            case.track = track
        if bank_account is not None:
            case.bank_account = bank_account
            case.bank_account_masked = mask_bank_account(bank_account) if bank_account else ""
        case.save()
    return case


def case_submit(*, case: Case, token: uuid.UUID, actor: Any) -> Case:
    """Submit a draft (or resubmit a returned case): reference number, calculator result, queue of the county.

    Idempotent: the form's token is stored on the case, so a double click or a retried POST with the same token
    returns the case it already submitted.
    """
    with transaction.atomic():
        # One query locks the case and finds any case this token already submitted (a double click, a retry).
        rows = list(
            Case.objects.select_for_update(of=("self",))
            .select_related("county")
            .filter(Q(pk=case.pk) | Q(submission_token=token))
        )
        for row in rows:
            if row.submission_token == token:
                return row
        if not rows:
            raise Case.DoesNotExist("no such case")
        case = rows[0]
        if case.kind == CaseKind.STABLE_JOB_REFUND:
            if not case.bank_account:
                raise Refused(_("Enter the bank account the refund is paid into."), field="bank_account")
            try:
                case.calculation = refund_calculate(case=case)
            except InputErrors as exc:
                raise Refused(_("Some figures are missing or wrong: %(errors)s") % {"errors": str(exc)}) from None
            case.calculated_amount = Decimal(case.calculation["amount"])
        case.submission_token = token
        now = timezone.now()
        if case.state == S.RETURNED:
            transition(case, "resubmit", actor=actor)
        else:
            case.reference = _next_reference(case.kind, case.county.code, case.year)
            case.submitted_at = now
            transition(case, "submit", actor=actor, extra={"reference": case.reference})
    return case


def case_from_offer(*, offer: Any, bank_name: str, bank_account: str, token: uuid.UUID, actor: Any) -> Case:
    """免申即享: the enterprise confirms its RefundOffer; one step creates the standard-track case and submits it.

    The figures are the social-insurance year the offer was computed from (source "offer"). Idempotent like
    case_submit: the same token returns the case it already submitted.
    """
    already = Case.objects.filter(submission_token=token).first()
    if already is not None:
        return already
    if not offer.eligible:
        raise Refused(_("This offer is not open: the enterprise does not qualify."))
    figures = registry_figures(enterprise=offer.enterprise, year=offer.year)
    if figures is None:
        raise Refused(_("The figures this offer was based on are no longer in the registry."))
    with transaction.atomic():
        case = case_draft_start(
            kind=CaseKind.STABLE_JOB_REFUND, enterprise=offer.enterprise, year=offer.year, actor=actor
        )
        case = case_draft_save(
            case=case,
            actor=actor,
            track=Track.STANDARD,
            bank_account=bank_account,
            answers={
                **figures,
                "figures_source": "offer",
                "figures_change_reason": "",
                "offer": offer.pk,
                "offer_amount": str(offer.amount),
                "bank_name": bank_name,
                "declaration": True,
                "declared_at": timezone.now().isoformat(),
            },
        )
        return case_submit(case=case, token=token, actor=actor)


# --- The caseworker's side --------------------------------------------------------------------------------


def _check_may_decide(case: Case, actor: Any) -> None:
    if not actor.has_perm(DECIDE_PERMISSION):
        raise Refused(_("Your role cannot decide cases."))
    if not actor.has_perm(VIEW_ALL_PERMISSION) and actor.county_id != case.county_id:
        raise Refused(_("This case belongs to another county's queue."))


def _check_holder(case: Case, actor: Any) -> None:
    if case.assignee_id != actor.pk:
        raise Refused(_("Another caseworker holds this case. Only they can decide it."))


def case_claim(*, case: Case, actor: Any) -> Case:
    """Take a case from the queue. The row lock means two caseworkers can never both hold it."""
    with transaction.atomic():
        case = _lock(case)
        _check_may_decide(case, actor)
        if case.state == S.IN_REVIEW:
            if case.assignee_id == actor.pk:
                return case
            raise Refused(
                _("%(name)s took this case first.") % {"name": case.assignee.get_full_name() or case.assignee.username}
            )
        case.assignee = actor
        case.claimed_at = timezone.now()
        transition(case, "claim", actor=actor)
    return case


def case_release(*, case: Case, actor: Any) -> Case:
    with transaction.atomic():
        case = _lock(case)
        _check_may_decide(case, actor)
        if case.state == S.IN_REVIEW:
            _check_holder(case, actor)
        previous_assignee = case.assignee_id
        case.assignee = None
        transition(case, "release", actor=actor, extra={"released_by": previous_assignee})
    return case


def case_return(*, case: Case, reason: str, actor: Any) -> Case:
    with transaction.atomic():
        case = _lock(case)
        _check_may_decide(case, actor)
        _check_holder(case, actor)
        case.decision_reason = reason.strip()
        case.submission_token = None
        transition(case, "return", actor=actor, reason=reason)
    return case


def case_approve(*, case: Case, actor: Any, amount: Decimal | None = None, override_reason: str = "") -> Case:
    """Approve at the calculated amount, or at another amount with a reason (both kept)."""
    with transaction.atomic():
        case = _lock(case)
        _check_may_decide(case, actor)
        _check_holder(case, actor)
        # Every kind with a calculator's result (claims too) is approved at that amount, or another with a reason.
        if case.kind == CaseKind.STABLE_JOB_REFUND or case.calculation is not None:
            not_eligible = case.calculation is None or not case.calculation.get("eligible")
            if not_eligible and amount is None:
                raise Refused(
                    _(
                        "The calculator finds the applicant not eligible. Reject the case, or approve another "
                        "amount with a reason."
                    ),
                    field="amount",
                )
            if amount is not None and amount != case.calculated_amount:
                if amount < 0:
                    raise Refused(_("The amount cannot be negative."), field="amount")
                if not override_reason.strip():
                    raise Refused(
                        _("Say why the amount differs from the calculated %(amount)s yuan.")
                        % {"amount": case.calculated_amount},
                        field="override_reason",
                    )
                case.override_reason = override_reason.strip()
            case.approved_amount = amount if amount is not None else case.calculated_amount
        case.decided_at = timezone.now()
        case.decision_reason = override_reason.strip()
        extra = {"approved_amount": str(case.approved_amount)} if case.approved_amount is not None else {}
        transition(case, "approve", actor=actor, reason=override_reason, extra=extra)
        if case.kind not in PUBLISHED_KINDS:
            # No public notice for this kind: the approval is the final decision.
            case.finalised_at = case.decided_at
            transition(case, "finalise", actor=actor)
    return case


def case_reject(*, case: Case, reason: str, actor: Any) -> Case:
    with transaction.atomic():
        case = _lock(case)
        _check_may_decide(case, actor)
        _check_holder(case, actor)
        case.decided_at = timezone.now()
        case.decision_reason = reason.strip()
        transition(case, "reject", actor=actor, reason=reason)
    return case


# --- Public notice (公示) ----------------------------------------------------------------------------------


def notice_candidates(*, kind: str, county: Any | None) -> Any:
    """Approved cases that may go on a new list of this kind (and county, or the whole prefecture)."""
    case_kind = {v: k for k, v in PUBLISHED_KINDS.items()}[NoticeListKind(kind)]
    cases = Case.objects.filter(kind=case_kind, state=S.APPROVED).select_related("enterprise", "county")
    if county is not None:
        cases = cases.filter(county=county)
    return cases.order_by("county__code", "reference")


def notice_publish(
    *, kind: str, county: Any | None, title: str, starts_on: date, actor: Any, cases: list[Case] | None = None
) -> PublicNotice:
    """Publish a list of approved cases for N working days (parameter `public_notice_working_days`)."""
    from subsidies.parameters import value_in_force
    from subsidies.workdays import working_period

    if not actor.has_perm(PUBLISH_PERMISSION):
        raise Refused(_("Only prefecture officers publish lists."))
    if starts_on < timezone.localdate():
        raise Refused(_("The notice period cannot start in the past."), field="starts_on")
    days = int(value_in_force("public_notice.working_days", on=starts_on))
    first, last = working_period(starts_on, days)
    with transaction.atomic():
        chosen = list(notice_candidates(kind=kind, county=county).select_for_update(of=("self",)))
        if cases is not None:
            wanted = {c.pk for c in cases}
            chosen = [c for c in chosen if c.pk in wanted]
        if not chosen:
            raise Refused(_("There is no approved case to publish on this list."))
        notice = PublicNotice.objects.create(
            kind=kind,
            county=county,
            title=title.strip(),
            state=NoticeListState.PUBLISHED,
            starts_on=first,
            ends_on=last,
            created_by=actor,
            published_at=timezone.now(),
        )
        for case in chosen:
            PublicNoticeEntry.objects.create(notice=notice, case=case)
            transition(case, "publish", actor=actor, extra={"public_notice": notice.pk})
        audit_record(
            actor=actor,
            action="notice_publish",
            target=notice,
            after={"starts_on": str(first), "ends_on": str(last), "cases": [c.pk for c in chosen]},
        )
    return notice


def objection_submit(
    *, notice: PublicNotice, entry: PublicNoticeEntry, name: str, contact: str, text: str
) -> Objection:
    """Anyone may object while the list is on notice (rate-limited by the view)."""
    with transaction.atomic():
        notice = PublicNotice.objects.select_for_update().get(pk=notice.pk)
        today = timezone.localdate()
        if notice.state != NoticeListState.PUBLISHED or not (notice.starts_on <= today <= notice.ends_on):
            raise Refused(_("Objections can be made only while the list is on public notice."))
        if entry.notice_id != notice.pk or entry.withdrawn:
            raise Refused(_("Choose an enterprise on this list."), field="entry")
        objection = Objection.objects.create(
            notice=notice, entry=entry, objector_name=name.strip(), objector_contact=contact.strip(), text=text.strip()
        )
        audit_record(actor=None, action="objection_submit", target=objection, after={"entry": entry.pk})
    return objection


def objection_resolve(*, objection: Objection, upheld: bool, reason: str, actor: Any) -> Objection:
    """Upheld: the case leaves the list and goes back to review (held by the resolver). Dismissed: with a reason."""
    if not reason.strip():
        raise Refused(_("Give a reason: the objector may ask for it."), field="reason")
    with transaction.atomic():
        objection = Objection.objects.select_for_update().select_related("entry__case").get(pk=objection.pk)
        if objection.state != ObjectionState.OPEN:
            raise Refused(_("This objection has already been resolved."))
        case = _lock(objection.entry.case)
        _check_may_decide(case, actor)
        objection.state = ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED
        objection.resolution_reason = reason.strip()
        objection.resolved_by = actor
        objection.resolved_at = timezone.now()
        objection.save()
        if upheld:
            PublicNoticeEntry.objects.filter(pk=objection.entry_id).update(withdrawn=True)
            case.assignee = actor
            case.approved_amount = None
            transition(case, "reopen", actor=actor, reason=reason, extra={"objection": objection.pk})
        audit_record(
            actor=actor, action="objection_resolve", target=objection, after={"state": objection.state}, reason=reason
        )
    return objection


def notice_finalise(*, notice: PublicNotice, actor: Any, today: date | None = None) -> PublicNotice:
    """After the period, with no open objection: the list and its cases become final (notices are ordered)."""
    today = today or timezone.localdate()
    if actor is not None and not actor.has_perm(PUBLISH_PERMISSION):
        raise Refused(_("Only prefecture officers finalise lists."))
    with transaction.atomic():
        notice = PublicNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.state != NoticeListState.PUBLISHED:
            raise Refused(_("Only a list on public notice can be finalised."))
        if today <= notice.ends_on:
            raise Refused(
                _("The notice period runs until %(day)s; the list can be finalised after it.")
                % {"day": notice.ends_on.isoformat()}
            )
        if notice.objections.filter(state=ObjectionState.OPEN).exists():
            raise Refused(_("Resolve every open objection first."))
        for entry in notice.entries.filter(withdrawn=False).select_related("case"):
            case = _lock(entry.case)
            case.finalised_at = timezone.now()
            transition(case, "finalise", actor=actor, extra={"public_notice": notice.pk})
        notice.state = NoticeListState.FINAL
        notice.finalised_at = timezone.now()
        notice.save()
        audit_record(actor=actor, action="notice_finalise", target=notice, after={"state": notice.state})
    return notice


def notices_finalise_due(*, today: date | None = None) -> list[int]:
    """The daily task: finalise every list whose period has ended and that has no open objection."""
    today = today or timezone.localdate()
    done = []
    due = PublicNotice.objects.filter(state=NoticeListState.PUBLISHED, ends_on__lt=today).exclude(
        objections__state=ObjectionState.OPEN
    )
    for notice in due.distinct():
        try:
            notice_finalise(notice=notice, actor=None, today=today)
        except Refused:
            continue
        done.append(notice.pk)
    return done


def cases_visible_to(user: Any) -> Any:
    """Back-office scoping: officers and auditors see every county, caseworkers their own."""
    cases = Case.objects.exclude(state=S.DRAFT).select_related("county", "enterprise", "person", "assignee")
    if user.is_superuser or user.has_perm(VIEW_ALL_PERMISSION):
        return cases
    return cases.filter(county_id=user.county_id) if user.county_id else cases.none()
