"""The workflow every measure shares: drafts, submission, review and decision of a case.

Every state change goes through `transition()`: one explicit map of allowed transitions (subsidies.cases.states),
checked here, refused in words a caseworker understands; each change runs in one transaction with its audit row
(registry.audit). What a transition does beyond the state (a measure's effects, the documents it orders) is asked
of the case's kind (subsidies.cases.rules), never decided here by kind.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.access import may_decide
from registry.audit import audit_record
from registry.crypto import mask_bank_account
from registry.models import Enterprise
from registry.permissions import DECIDE_CASE, PUBLISH_LIST
from registry.refusals import Refused
from registry.rows import row_update
from subsidies.cases.rules import rules_for
from subsidies.cases.states import EDITABLE, TRANSITIONS, S, state_label
from subsidies.document_jobs import documents_order_on_transition
from subsidies.models import (
    Case,
    ReferenceCounter,
)
from subsidies.notifications import notifications_order_on_transition
from subsidies.parameters import ParameterNotInForce, value_in_force
from subsidies.summaries import case_tally

# A reason a second person will read: at least this many letters, digits or characters, not one repeated.
REASON_MIN_CHARACTERS = 5
REASON_MIN_DISTINCT = 3


def _lock(case: Case) -> Case:
    # The county comes in the same query (the reference number needs its code); only the case row is locked.
    return Case.objects.select_for_update(of=("self",)).select_related("county").get(pk=case.pk)


def case_lock_editable(case: Case) -> Case:
    """Lock a case the applicant may still change (a draft, or returned for correction), or refuse."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.state not in EDITABLE:
        raise Refused(_("This application has been submitted and can no longer be changed."))
    return case


def _next_reference(kind: str, county_code: str, year: int) -> str:
    """The next number of the county's series. One statement (an upsert) instead of get_or_create + SELECT FOR
    UPDATE + UPDATE: the counter row stays locked until the transaction ends, so callers take it as late as they can.
    """
    prefix = rules_for(kind).reference_prefix
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, county_code, year, last) VALUES (%s, %s, %s, 1) "  # noqa: S608 - _meta name
            f"ON CONFLICT (prefix, county_code, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [prefix, county_code, year],
        )
        (last,) = cursor.fetchone()
    return f"{prefix}-{county_code}-{year}-{last:06d}"


def reason_has_substance(reason: str) -> bool:
    """Does a reason say something? "x", "..." or "aaaaa" do not; "少报离职人员" does."""
    meaningful = [ch for ch in (reason or "") if ch.isalnum()]
    return len(meaningful) >= REASON_MIN_CHARACTERS and len(set(meaningful)) >= REASON_MIN_DISTINCT


def _substantive(reason: str, *, field: str) -> str:
    reason = (reason or "").strip()
    if not reason_has_substance(reason):
        raise Refused(
            _("Give a reason another officer can check: at least %(n)s letters or characters saying why.")
            % {"n": REASON_MIN_CHARACTERS},
            field=field,
        )
    return reason


def _parameter(key: str, default: Decimal | None) -> Decimal | None:
    try:
        return value_in_force(key, on=timezone.localdate())
    except ParameterNotInForce:
        return default


def amount_needs_second_officer(case: Case, amount: Decimal | None) -> bool:
    """Clause （十四） four-eyes: above the calculated amount (beyond the dated margin), or above the measure's dated
    ceiling, an approved amount waits for a second officer."""
    if amount is None:
        return False
    calculated = case.calculated_amount or Decimal(0)
    margin = _parameter("amount_override.margin_yuan", Decimal(0)) or Decimal(0)
    if amount > calculated + margin:
        return True
    ceiling = _parameter(f"amount_ceiling.{case.kind}", None)
    return ceiling is not None and amount > ceiling


def transition(case: Case, name: str, *, actor: Any, reason: str = "", extra: dict[str, Any] | None = None) -> Case:
    """Move a locked case along one allowed transition and write its audit row, then do what the kind's rules
    and the documents say this transition does. Runs inside the caller's transaction, never alone."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transition() must run inside transaction.atomic: its effects are all or nothing")
    step = TRANSITIONS[name]
    if case.state not in step.sources:
        raise Refused(
            _("This case is %(state)s, so it cannot be %(action)s now.")
            % {"state": state_label(case.state), "action": str(step.label).lower()}
        )
    if name in ("publish", "finalise") and case.amount_awaits_confirmation:
        raise Refused(
            _("The approved amount of %(ref)s waits for a second officer's confirmation.") % {"ref": case.reference}
        )
    reason = (reason or "").strip()
    if step.needs_reason and not reason:
        raise Refused(_("Give a reason: the applicant will read it."), field="reason")
    before = case.state
    case.state = step.target
    case_tally(case, stored_state=before)  # the dashboard's summaries follow, in this transaction
    row_update(case)  # case.save(), without compiling its thirty columns' UPDATE again (registry.rows)
    audit_record(
        actor=actor,
        action=f"case_{name}",
        target=case,
        before={"state": before},
        after={"state": case.state, **(extra or {})},
        reason=reason,
    )
    rules = rules_for(case.kind)
    if name == "approve" and rules.on_approve is not None:
        rules.on_approve(case)
    if name == "finalise" and rules.on_final is not None:
        rules.on_final(case)
    if name == "revoke" and rules.on_revoke is not None:
        rules.on_revoke(case, actor)
    documents_order_on_transition(case, name)
    notifications_order_on_transition(case, name, reason=reason)
    return case


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
        if case.state not in EDITABLE:
            raise Refused(_("This application has been submitted and can no longer be changed."))
        case.answers = {**case.answers, **answers}
        if track is not None:
            case.track = track
        if bank_account is not None and bank_account != case.bank_account:
            # Where the money goes: a change of a given account is audited (masked) and shown in the case's history.
            before = case.bank_account_masked
            case.bank_account = bank_account
            case.bank_account_masked = mask_bank_account(bank_account) if bank_account else ""
            if before:
                audit_record(
                    actor=actor,
                    action="case_bank_account_change",
                    target=case,
                    before={"bank_account": before},
                    after={"bank_account": case.bank_account_masked},
                )
        case.save()
    return case


def case_submission_query(cases: QuerySet[Case], *, pk: int, token: uuid.UUID) -> QuerySet[Case]:
    """The submission's one query among `cases`: case `pk` locked, and any case this token already submitted (a
    double click, a retry). The county and the enterprise come with it (not locked), for the reference number and
    the kind's preparation (the registry's figures)."""
    return (
        cases.select_for_update(of=("self",))
        .select_related("county", "enterprise")
        .filter(Q(pk=pk) | Q(submission_token=token))
        .order_by()
    )


def case_submission_rows(rows: list[Case], *, pk: int, token: uuid.UUID) -> tuple[Case | None, Case | None]:
    """What case_submission_query found: (the case or None, the case the token submitted or None)."""
    submitted = next((row for row in rows if row.submission_token == token), None)
    return next((row for row in rows if row.pk == pk), None), submitted


def case_submission_lock(*, pk: int, token: uuid.UUID) -> tuple[Case | None, Case | None]:
    """Lock case `pk` and find any case this token already submitted, in one query. Call it inside a transaction.
    (An applicant's page looks among their own cases only: portal.access.lock_case_for_applicant.)"""
    return case_submission_rows(list(case_submission_query(Case.objects.all(), pk=pk, token=token)), pk=pk, token=token)


def case_submit(*, case: Case, token: uuid.UUID, actor: Any, locked: bool = False) -> Case:
    """Submit a draft (or resubmit a returned case): reference number, calculator result, queue of the county.

    Idempotent: the form's token is stored on the case, so a double click or a retried POST with the same token
    returns the case it already submitted.

    `locked`: the caller holds the case from case_submission_lock in its open transaction, and has found no case
    submitted with this token; the submission is then written in the caller's transaction (whose failure writes
    nothing).
    """
    with transaction.atomic(savepoint=not locked):
        if locked:
            if not transaction.get_connection().in_atomic_block:
                raise RuntimeError("case_submit(locked=True) must run in the transaction that locked the case")
        else:
            case, submitted = case_submission_lock(pk=case.pk, token=token)
            if submitted is not None:
                return submitted
            if case is None:
                raise Case.DoesNotExist("no such case")
        prepare = rules_for(case.kind).prepare_submit
        if prepare is not None:
            prepare(case)
        case.submission_token = token
        now = timezone.now()
        if case.state == S.RETURNED:
            transition(case, "resubmit", actor=actor)
        else:
            case.reference = _next_reference(case.kind, case.county.code, case.year)
            case.submitted_at = now
            transition(case, "submit", actor=actor, extra={"reference": case.reference})
    return case


def _check_may_decide(case: Case, actor: Any) -> None:
    if not actor.has_perm(DECIDE_CASE):
        raise Refused(_("Your role cannot decide cases."))
    if not may_decide(actor, case.county_id):
        raise Refused(_("This case belongs to another county's queue."))


def _check_holder(case: Case, actor: Any) -> None:
    if case.assignee_id != actor.pk:
        raise Refused(_("Another caseworker holds this case. Only they can decide it."))


def case_take(*, case: Case, actor: Any) -> Case:
    """Take a case from the queue (the transition "claim"; named "take" here so it is never mistaken for a subsidy
    claim). The row lock means two caseworkers can never both hold it."""
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
        if rules_for(case.kind).calculator is not None or case.calculation is not None:
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
                case.override_reason = _substantive(override_reason, field="override_reason")
            case.approved_amount = amount if amount is not None else case.calculated_amount
        case.decided_at = timezone.now()
        case.decision_reason = override_reason.strip()
        case.amount_confirmation_needed = amount_needs_second_officer(case, case.approved_amount)
        case.amount_confirmed_by = None
        case.amount_confirmed_at = None
        case.amount_confirmation_reason = ""
        extra = {"approved_amount": str(case.approved_amount)} if case.approved_amount is not None else {}
        if case.amount_confirmation_needed:
            extra["awaits_second_officer"] = True
        transition(case, "approve", actor=actor, reason=override_reason, extra=extra)
        if rules_for(case.kind).published_as is None and not case.amount_confirmation_needed:
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


def case_amount_confirm(*, case: Case, actor: Any, reason: str) -> Case:
    """A second officer confirms an approved amount that needs four eyes (clause （十四）), with a reason. Never the
    caseworker who approved it. A case with no public notice becomes final now; others may now be published."""
    with transaction.atomic():
        case = _lock(case)
        if not actor.has_perm(PUBLISH_LIST) or not may_decide(actor, case.county_id):
            raise Refused(_("Only a prefecture officer can confirm an approved amount."))
        if case.state != S.APPROVED or not case.amount_awaits_confirmation:
            raise Refused(_("This amount does not wait for a confirmation."))
        if actor.pk == case.assignee_id:
            raise Refused(_("A second officer must confirm: not the one who approved the amount."))
        case.amount_confirmed_by = actor
        case.amount_confirmed_at = timezone.now()
        case.amount_confirmation_reason = _substantive(reason, field="reason")
        case.save()
        audit_record(
            actor=actor,
            action="case_amount_confirm",
            target=case,
            after={"approved_amount": str(case.approved_amount), "calculated_amount": str(case.calculated_amount)},
            reason=case.amount_confirmation_reason,
        )
        if rules_for(case.kind).published_as is None:
            case.finalised_at = timezone.now()
            transition(case, "finalise", actor=actor)
    return case
