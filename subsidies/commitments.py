"""告知承诺制: a signed commitment instead of a certificate, checked afterwards on a sample.

- Which evidence items a commitment may replace, for which kind of case, is a dated table (`CommitmentItem`) that
  prefecture officers edit like a dated parameter: a row is added, or its window closed; never changed in place.
- The applicant signs the commitment (承诺书) on the step that asks for the item (`commitment_sign`): the text's
  version and digest, the name typed as signature, the time, the user and the address are kept, and the step is
  satisfied without an upload (subsidies.cases.evidence.purposes_covered). Not offered, and refused if posted
  anyway, for an item not in the table on that day or to an applicant under a ban.
- Every decided case with commitments is drawn once (`commitment_draw`, by the daily task): the score is an HMAC of
  the case's reference and the seed (the day of the decision), keyed by the portal's secret, so the same inputs
  always give the same draw and nobody outside the office can predict it; sampled when the score is below the
  dated rate `commitment.sample_rate`. The draw and its inputs are kept and audited.
- A sampled case gets a `CommitmentCheck` for its county, due `commitment.check_working_days` working days later.
  Found false (`commitment_check_decide`): the decision is revoked (the transition "revoke"), the approved amount
  is recorded for recovery, and the applicant is offered no commitment for `commitment.ban_months` months.
"""

from __future__ import annotations

import calendar
import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.access import county_scope, may_decide
from registry.audit import audit_record
from registry.models import DifficultyCategory
from registry.permissions import MANAGE_PARAMETERS
from registry.refusals import Refused
from subsidies.cases.states import GRANTED
from subsidies.cases.workflow import case_lock_editable, reason_has_substance, transition
from subsidies.models import (
    Case,
    CaseKind,
    Commitment,
    CommitmentBan,
    CommitmentCheck,
    CommitmentCheckState,
    CommitmentDraw,
    CommitmentItem,
    Recovery,
)
from subsidies.parameters import value_in_force
from subsidies.workdays import working_period

# The version of the commitment's wording (below); a new wording is a new version, so a signed commitment always
# says which words were signed.
TEXT_VERSION = "2026-12"

# The evidence items (Evidence.purpose) a commitment may stand for, with the words an applicant reads.
ITEM_LABELS: dict[str, Any] = {
    "residence": gettext_lazy("Proof of where you live (rental contract, residence certificate)"),
    **{category.value: category.label for category in DifficultyCategory},
}

SAMPLE_SALT = "subsidies.commitments.sample"


def item_label(purpose: str) -> str:
    return str(ITEM_LABELS.get(purpose, purpose))


# --- The dated table of items ------------------------------------------------------------------------------------


def items_in_force(*, kind: str, on: date) -> set[str]:
    """The evidence items of this kind of case that a commitment may replace on that day."""
    rows = CommitmentItem.objects.filter(kind=kind, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    return set(rows.values_list("purpose", flat=True))


def _check_may_manage(actor: Any) -> None:
    if not actor.has_perm(MANAGE_PARAMETERS):
        raise Refused(_("Only prefecture officers may change which certificates a commitment can replace."))


def commitment_item_add(
    *, kind: str, purpose: str, valid_from: date, valid_to: date | None, source: str, actor: Any
) -> CommitmentItem:
    """Let a commitment replace an item for a kind of case from a day on (an officer's change, audited)."""
    _check_may_manage(actor)
    if kind not in CaseKind.values or purpose not in ITEM_LABELS:
        raise Refused(_("Choose a kind of case and an evidence item from the lists."))
    if valid_to is not None and valid_to < valid_from:
        raise Refused(_("The last day cannot be before the first."), field="valid_to")
    with transaction.atomic():
        # One row at a time per kind and item (the lock serialises two officers adding the same pair).
        rows = CommitmentItem.objects.select_for_update().filter(kind=kind, purpose=purpose)
        for row in rows:
            ends = row.valid_to or date.max
            if row.valid_from <= (valid_to or date.max) and valid_from <= ends:
                raise Refused(
                    _("This item is already allowed from %(start)s to %(end)s. End that row first.")
                    % {"start": row.valid_from.isoformat(), "end": row.valid_to.isoformat() if row.valid_to else "…"},
                    field="valid_from",
                )
        item = CommitmentItem.objects.create(
            kind=kind, purpose=purpose, valid_from=valid_from, valid_to=valid_to, source=source, created_by=actor
        )
        audit_record(
            actor=actor,
            action="commitment_item_add",
            target=item,
            after={
                "kind": kind,
                "purpose": purpose,
                "valid_from": valid_from.isoformat(),
                "valid_to": valid_to.isoformat() if valid_to else None,
            },
        )
    return item


def commitment_item_end(*, item: CommitmentItem, valid_to: date, actor: Any) -> CommitmentItem:
    """Close an item's window on a day (from the next day on, the item must be proven again)."""
    _check_may_manage(actor)
    with transaction.atomic():
        item = CommitmentItem.objects.select_for_update().get(pk=item.pk)
        if valid_to < item.valid_from:
            raise Refused(_("The last day cannot be before the first."), field="valid_to")
        before = item.valid_to.isoformat() if item.valid_to else None
        item.valid_to = valid_to
        item.save(update_fields=["valid_to"])
        audit_record(
            actor=actor,
            action="commitment_item_end",
            target=item,
            before={"valid_to": before},
            after={"valid_to": valid_to.isoformat()},
        )
    return item


# --- Offering and signing -----------------------------------------------------------------------------------------


def ban_in_force(case: Case, *, on: date) -> CommitmentBan | None:
    """The ban of the case's applicant (person or enterprise) in force on that day, if any."""
    applicant = Q(person_id=case.person_id) if case.person_id else Q(enterprise_id=case.enterprise_id)
    return CommitmentBan.objects.filter(applicant, starts_on__lte=on, ends_on__gte=on).order_by("-ends_on").first()


def offered_items(case: Case, *, on: date | None = None) -> list[str]:
    """The items of this case an applicant may promise instead of proving, today: none under a ban."""
    on = on or timezone.localdate()
    items = items_in_force(kind=case.kind, on=on)
    if not items or ban_in_force(case, on=on) is not None:
        return []
    return sorted(items)


def commitment_text(purpose: str) -> list[str]:
    """The commitment (承诺书) as the applicant reads and signs it, paragraph by paragraph (the active language)."""
    item = item_label(purpose)
    months = value_in_force("commitment.ban_months", on=timezone.localdate())
    return [
        _(
            "Instead of providing “%(item)s”, I promise that what it would prove is true: the facts I have given "
            "for it in this application are complete and correct."
        )
        % {"item": item},
        _(
            "I know that the office may check this commitment after its decision, with other offices' records or by "
            "visiting me, and I will help the check and provide the document if asked."
        ),
        _(
            "If the commitment is found false, the decision is revoked, any money paid must be returned, and for "
            "%(months)s months I can no longer sign commitments instead of providing documents. Giving false "
            "information may also have legal consequences."
        )
        % {"months": months},
    ]


def text_digest(paragraphs: list[str]) -> str:
    return hashlib.sha256("\n".join(paragraphs).encode()).hexdigest()


def commitment_sign(*, case: Case, purpose: str, signed_name: str, ip_address: str | None, actor: Any) -> Commitment:
    """Sign the commitment for one item of a case the applicant may still change (idempotent per case and item)."""
    today = timezone.localdate()
    with transaction.atomic():
        case = case_lock_editable(case)
        if purpose not in offered_items(case, on=today):
            if ban_in_force(case, on=today) is not None:
                raise Refused(_("After a false commitment, you must provide documents instead until the ban ends."))
            raise Refused(_("This document cannot be replaced by a commitment. Upload it instead."))
        expected = case.person.name if case.person_id else ""
        signed_name = " ".join((signed_name or "").split())
        if not signed_name or (expected and signed_name != " ".join(expected.split())):
            raise Refused(_("Type your full name exactly as on your ID card to sign."), field="signed_name")
        existing = Commitment.objects.filter(case=case, purpose=purpose).first()
        if existing is not None:
            return existing
        paragraphs = commitment_text(purpose)
        commitment = Commitment.objects.create(
            case=case,
            purpose=purpose,
            text_version=TEXT_VERSION,
            text_sha256=text_digest(paragraphs),
            signed_name=signed_name,
            signed_at=timezone.now(),
            signed_by=actor,
            ip_address=ip_address,
        )
        audit_record(
            actor=actor,
            action="commitment_sign",
            target=case,
            after={"purpose": purpose, "text_version": TEXT_VERSION, "text_sha256": commitment.text_sha256},
        )
    return commitment


def commitment_withdraw(*, commitment: Commitment, actor: Any) -> None:
    """Take back a commitment while the case can still be changed (the item must then be uploaded)."""
    with transaction.atomic():
        case = case_lock_editable(commitment.case)
        audit_record(actor=actor, action="commitment_withdraw", target=case, after={"purpose": commitment.purpose})
        commitment.delete()


# --- The post-check sample ----------------------------------------------------------------------------------------


def sample_score(*, reference: str, seed: str) -> Decimal:
    """A number in [0, 1) from the case's reference and the seed: the same inputs always give the same score."""
    digest = salted_hmac(SAMPLE_SALT, f"{seed}|{reference}", algorithm="sha256").digest()
    return (Decimal(int.from_bytes(digest[:8], "big")) / Decimal(2**64)).quantize(Decimal("0.0000000001"))


def commitment_draw(*, case: Case, actor: Any = None) -> CommitmentDraw | None:
    """Draw a decided case with commitments for the post-check, once; open its check when sampled."""
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("county").get(pk=case.pk)
        existing = CommitmentDraw.objects.filter(case=case).first()
        if existing is not None:
            return existing
        if case.state not in GRANTED or case.decided_at is None or not case.commitments.exists():
            return None
        decided_on = timezone.localdate(case.decided_at)
        seed = decided_on.isoformat()
        rate = value_in_force("commitment.sample_rate", on=decided_on)
        score = sample_score(reference=case.reference or "", seed=seed)
        draw = CommitmentDraw.objects.create(case=case, seed=seed, score=score, rate=rate, sampled=score < rate)
        audit_record(
            actor=actor,
            action="commitment_draw",
            target=case,
            after={"seed": seed, "score": str(score), "rate": str(rate), "sampled": draw.sampled},
        )
        if draw.sampled and not CommitmentCheck.objects.filter(case=case).exists():
            _check_open(case=case, actor=actor, after={"sampled": True})
    return draw


def _check_open(*, case: Case, actor: Any, after: dict[str, Any], reason: str = "") -> CommitmentCheck:
    today = timezone.localdate()
    days = int(value_in_force("commitment.check_working_days", on=today))
    _first, due_on = working_period(today, days)
    check = CommitmentCheck.objects.create(case=case, county=case.county, due_on=due_on)
    audit_record(
        actor=actor,
        action="commitment_check_open",
        target=check,
        after={"due_on": due_on.isoformat(), **after},
        reason=reason,
    )
    return check


def commitment_check_order(*, case: Case, reason: str, actor: Any) -> CommitmentCheck:
    """A check of a decided case's commitments ordered outside the sample (a tip-off, a doubt found later): the same
    task as a sampled one, audited with its reason. A case is checked at most once."""
    reason = (reason or "").strip()
    if not reason_has_substance(reason):
        raise Refused(_("Say why this case's commitments must be checked."), field="reason")
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("county").get(pk=case.pk)
        if not may_decide(actor, case.county_id):
            raise Refused(_("This case belongs to another county's queue."))
        if case.state not in GRANTED or not case.commitments.exists():
            raise Refused(_("Only a granted case with commitments can be checked."))
        if CommitmentCheck.objects.filter(case=case).exists():
            raise Refused(_("This case's commitments are already being checked."))
        return _check_open(case=case, actor=actor, after={"sampled": False}, reason=reason)


def commitment_draws_due() -> int:
    """Draw every decided case with commitments not drawn yet (the daily task; running it twice draws nothing new).
    Returns the number drawn."""
    pending = (
        Case.objects.filter(state__in=GRANTED, decided_at__isnull=False, commitments__isnull=False)
        .filter(commitment_draw__isnull=True)
        .values_list("pk", flat=True)
        .distinct()
    )
    drawn = 0
    for pk in list(pending):
        if commitment_draw(case=Case(pk=pk)) is not None:
            drawn += 1
    return drawn


# --- The checks on the workbench ---------------------------------------------------------------------------------


def checks_for_user(user: Any) -> QuerySet[CommitmentCheck]:
    return county_scope(user, CommitmentCheck.objects.select_related("case", "county", "decided_by"), "county")


def get_check_for_user(user: Any, pk: int) -> CommitmentCheck:
    """A check the user may see, or 404 (another county's check is not revealed)."""
    check = checks_for_user(user).filter(pk=pk).first()
    if check is None:
        raise Http404("no such check")
    return check


def commitment_check_decide(*, check: CommitmentCheck, found_false: bool, note: str, actor: Any) -> CommitmentCheck:
    """Record what the check found. False: revoke the decision, record the amount to recover, ban the applicant."""
    note = (note or "").strip()
    if not reason_has_substance(note):
        raise Refused(_("Say what the check found: another officer and the applicant will read it."), field="note")
    with transaction.atomic():
        check = CommitmentCheck.objects.select_for_update().get(pk=check.pk)
        if not may_decide(actor, check.county_id):
            raise Refused(_("This check belongs to another county."))
        if check.state != CommitmentCheckState.PENDING:
            raise Refused(_("This check has already been completed."))
        check.state = CommitmentCheckState.FALSE if found_false else CommitmentCheckState.CONFIRMED
        check.outcome_note = note
        check.decided_by = actor
        check.decided_at = timezone.now()
        check.save()
        audit_record(
            actor=actor,
            action="commitment_check_false" if found_false else "commitment_check_confirmed",
            target=check,
            after={"state": check.state},
            reason=note,
        )
        if found_false:
            _consequences(check=check, note=note, actor=actor)
    return check


def _consequences(*, check: CommitmentCheck, note: str, actor: Any) -> None:
    case = Case.objects.select_for_update(of=("self",)).select_related("county").get(pk=check.case_id)
    # The caseworker's words as written (the pages and messages say, in the reader's language, that a post-check
    # found a commitment false).
    reason = note
    transition(case, "revoke", actor=actor, reason=reason)
    amount = case.approved_amount if case.approved_amount is not None else Decimal("0.00")
    recovery = Recovery.objects.create(case=case, amount=amount, reason=reason, recorded_by=actor)
    audit_record(actor=actor, action="recovery_record", target=case, after={"amount": str(recovery.amount)})
    today = timezone.localdate()
    months = int(value_in_force("commitment.ban_months", on=today))
    ban = CommitmentBan.objects.create(
        person_id=case.person_id,
        enterprise_id=None if case.person_id else case.enterprise_id,
        commitment_check=check,
        starts_on=today,
        ends_on=add_months(today, months),
    )
    audit_record(
        actor=actor,
        action="commitment_ban",
        target=case,
        after={"starts_on": ban.starts_on.isoformat(), "ends_on": ban.ends_on.isoformat()},
        reason=reason,
    )


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter: 31 January + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def case_commitments(case: Case) -> list[dict[str, Any]]:
    """The items of a case promised rather than proven, for the case pages."""
    return [
        {"purpose": c.purpose, "label": item_label(c.purpose), "commitment": c}
        for c in case.commitments.select_related("signed_by")
    ]
