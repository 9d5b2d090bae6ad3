"""State changes of the subsidies app. Each runs in one transaction with its audit row."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.audit import audit_record
from registry.refusals import Refused
from subsidies.impact import parameter_change_impact
from subsidies.models import Parameter, ParameterChange, ParameterChangeState
from subsidies.parameters import (
    DEFINITIONS,
    InvalidParameterValue,
    ParameterNotInForce,
    parse_value,
    to_json,
    value_in_force,
)


def parameter_add(
    *,
    key: str,
    value: Any,
    valid_from: date,
    source: str,
    note: str = "",
    valid_to: date | None = None,
    is_sample: bool = False,
    impact: dict[str, Any] | None = None,
    confirmation: dict[str, Any] | None = None,
    actor: Any,
) -> Parameter:
    """Add a new dated value of `key`; the value in force before it is closed the day before `valid_from`.

    History is append-only: the new value must start after the start of every existing value of the key, so a
    result dated before `valid_from` never changes. Runs under a row lock on the key's rows, so two officers
    cannot create overlapping periods at the same time.
    """
    if key not in DEFINITIONS:
        raise Refused(_("Unknown parameter."), field="key")
    try:
        typed = parse_value(key, value)
    except InvalidParameterValue as exc:
        raise Refused(str(exc), field="value") from None
    if valid_to is not None and valid_to < valid_from:
        raise Refused(_("The value cannot end before it starts."), field="valid_to")
    if not source.strip():
        raise Refused(_("Say where the value comes from (clause or document)."), field="source")
    with transaction.atomic():
        rows = list(Parameter.objects.select_for_update().filter(key=key).order_by("valid_from"))
        latest = rows[-1] if rows else None
        if latest is not None and valid_from <= latest.valid_from:
            raise Refused(
                _(
                    "A new value must start after %(date)s, the start of the latest value: history is never "
                    "rewritten. To correct a value, add a new one dated after it."
                )
                % {"date": latest.valid_from.isoformat()}
            )
        closed = None
        if latest is not None and (latest.valid_to is None or latest.valid_to >= valid_from):
            closed = {"id": latest.pk, "valid_to": latest.valid_to.isoformat() if latest.valid_to else None}
            latest.valid_to = valid_from - timedelta(days=1)
            latest.save(update_fields=["valid_to"])
        parameter = Parameter.objects.create(
            key=key,
            value=to_json(key, typed),
            valid_from=valid_from,
            valid_to=valid_to,
            source=source.strip(),
            note=note.strip(),
            is_sample=is_sample,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor,
            action="parameter.add",
            target=parameter,
            before={"closed": closed} if closed else None,
            after={
                "key": key,
                "value": parameter.value,
                "valid_from": valid_from.isoformat(),
                "valid_to": valid_to.isoformat() if valid_to else None,
                "source": parameter.source,
                # What the change does to open cases and offers (subsidies.impact), as the officer saw it.
                **({"impact": impact} if impact is not None else {}),
                # Who proposed and who confirmed it, when it needed a second officer (parameter_change_confirm).
                **({"confirmation": confirmation} if confirmation is not None else {}),
            },
            reason=parameter.note,
        )
    return parameter


# --- A change that moves more than the threshold waits for a second officer (clause （十四）) ----------------

THRESHOLD_YUAN = "parameter_change.confirmation_threshold_yuan"
THRESHOLD_ELIGIBILITY = "parameter_change.confirmation_threshold_eligibility"


def _absolute_difference(impact: Any) -> Decimal:
    return sum((abs(change.difference) for change in impact.changes), Decimal("0.00"))


def parameter_change_reasons(*, key: str, impact: Any, on: date | None = None) -> list[str]:
    """Why a change with this previewed impact (subsidies.impact.Impact) needs a second officer; empty: it does not.

    The thresholds are the values in force today (they govern the approval, not the calculation). A change of the
    thresholds themselves always needs a second officer, so one officer cannot lift them and then pass a change.
    """
    on = on or timezone.localdate()
    reasons = []
    if key in (THRESHOLD_YUAN, THRESHOLD_ELIGIBILITY):
        reasons.append(_("It changes when a second officer must confirm a change."))
    moved = _absolute_difference(impact)
    try:
        limit = value_in_force(THRESHOLD_YUAN, on=on)
    except ParameterNotInForce:
        limit = Decimal("0.00")
    if moved > limit:
        reasons.append(
            _("It moves %(moved)s yuan in open cases and offers, more than the threshold of %(limit)s yuan.")
            % {"moved": f"{moved:.2f}", "limit": f"{limit:.2f}"}
        )
    try:
        most = value_in_force(THRESHOLD_ELIGIBILITY, on=on)
    except ParameterNotInForce:
        most = 0
    if impact.eligibility_changes > most:
        reasons.append(
            _("It changes the eligibility of %(count)s open cases or offers, more than the threshold of %(most)s.")
            % {"count": impact.eligibility_changes, "most": most}
        )
    return reasons


def _impact_record(impact: Any, reasons: list[str]) -> dict[str, Any]:
    return {
        **impact.summary(),
        "absolute_difference": f"{_absolute_difference(impact):.2f}",
        "needs_confirmation": reasons,
    }


def _check_change(*, key: str, value: Any, valid_from: date, valid_to: date | None, source: str) -> Any:
    """The checks of parameter_add that need no lock: the typed value, or Refused."""
    if key not in DEFINITIONS:
        raise Refused(_("Unknown parameter."), field="key")
    try:
        typed = parse_value(key, value)
    except InvalidParameterValue as exc:
        raise Refused(str(exc), field="value") from None
    if valid_to is not None and valid_to < valid_from:
        raise Refused(_("The value cannot end before it starts."), field="valid_to")
    if not source.strip():
        raise Refused(_("Say where the value comes from (clause or document)."), field="source")
    return typed


def _latest_start(key: str) -> date | None:
    """The start of the latest value of `key`, its rows locked until the end of the transaction."""
    rows = list(Parameter.objects.select_for_update().filter(key=key).order_by("valid_from"))
    return rows[-1].valid_from if rows else None


def parameter_change_propose(
    *,
    key: str,
    value: Any,
    valid_from: date,
    source: str,
    impact: Any,
    reasons: list[str],
    note: str = "",
    valid_to: date | None = None,
    is_sample: bool = False,
    actor: Any,
) -> ParameterChange:
    """Keep a change as a proposal waiting for a second officer; nothing in force changes.

    A pending proposal of the same key is superseded by this one (audited).
    """
    typed = _check_change(key=key, value=value, valid_from=valid_from, valid_to=valid_to, source=source)
    with transaction.atomic():
        latest = _latest_start(key)
        if latest is not None and valid_from <= latest:
            raise Refused(
                _(
                    "A new value must start after %(date)s, the start of the latest value: history is never "
                    "rewritten. To correct a value, add a new one dated after it."
                )
                % {"date": latest.isoformat()}
            )
        now = timezone.now()
        for older in ParameterChange.objects.select_for_update().filter(key=key, state=ParameterChangeState.PENDING):
            older.state = ParameterChangeState.SUPERSEDED
            older.closed_by = actor
            older.closed_at = now
            older.close_reason = "superseded by a later proposal"
            older.save(update_fields=["state", "closed_by", "closed_at", "close_reason"])
            audit_record(
                actor=actor,
                action="parameter_change.supersede",
                target=older,
                before={"state": ParameterChangeState.PENDING},
                after={"state": older.state},
                reason=older.close_reason,
            )
        change = ParameterChange.objects.create(
            key=key,
            value=to_json(key, typed),
            valid_from=valid_from,
            valid_to=valid_to,
            source=source.strip(),
            note=note.strip(),
            is_sample=is_sample,
            impact=_impact_record(impact, reasons),
            proposed_by=actor,
        )
        audit_record(
            actor=actor,
            action="parameter_change.propose",
            target=change,
            after={
                "key": key,
                "value": change.value,
                "valid_from": valid_from.isoformat(),
                "valid_to": valid_to.isoformat() if valid_to else None,
                "source": change.source,
                "impact": change.impact,
            },
            reason=change.note,
        )
    return change


def parameter_change_save(
    *,
    key: str,
    value: Any,
    valid_from: date,
    source: str,
    note: str = "",
    valid_to: date | None = None,
    is_sample: bool = False,
    impact: Any = None,
    actor: Any,
) -> Parameter | ParameterChange:
    """An officer saves a new value: added at once (parameter_add), or kept as a proposal when its impact moves
    more than the threshold (parameter_change_propose). `impact` is the preview already computed, if any."""
    _check_change(key=key, value=value, valid_from=valid_from, valid_to=valid_to, source=source)
    if impact is None:
        impact = parameter_change_impact(key=key, value=value, valid_from=valid_from, valid_to=valid_to)
    reasons = parameter_change_reasons(key=key, impact=impact)
    fields = {
        "key": key,
        "value": value,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "source": source,
        "note": note,
        "is_sample": is_sample,
        "actor": actor,
    }
    if reasons:
        return parameter_change_propose(impact=impact, reasons=reasons, **fields)
    return parameter_add(impact=_impact_record(impact, reasons), **fields)


def _pending(change: ParameterChange) -> ParameterChange:
    """The proposal re-read under a row lock; refused unless it still waits."""
    locked = ParameterChange.objects.select_for_update().get(pk=change.pk)
    if locked.state != ParameterChangeState.PENDING:
        raise Refused(
            _("This proposal is no longer waiting: it is %(state)s.") % {"state": locked.get_state_display()},
            field="__all__",
        )
    return locked


def parameter_change_confirm(*, change: ParameterChange, actor: Any) -> Parameter:
    """A second officer confirms a proposal: the value is added with the impact recomputed now (the cases may
    have moved since it was proposed), in one transaction with the proposal's state change."""
    if getattr(actor, "pk", None) is None or actor.pk == change.proposed_by_id:
        raise Refused(_("You proposed this change: another officer must confirm it."), field="__all__")
    with transaction.atomic():
        change = _pending(change)
        latest = _latest_start(change.key)
        if latest is not None and change.valid_from <= latest:
            raise Refused(
                _(
                    "A value starting on %(date)s was added since this proposal, so it can no longer start on "
                    "%(start)s: history is never rewritten. Withdraw it and propose a value dated after %(date)s."
                )
                % {"date": latest.isoformat(), "start": change.valid_from.isoformat()},
                field="__all__",
            )
        impact = parameter_change_impact(
            key=change.key, value=change.value, valid_from=change.valid_from, valid_to=change.valid_to
        )
        now = timezone.now()
        parameter = parameter_add(
            key=change.key,
            value=change.value,
            valid_from=change.valid_from,
            valid_to=change.valid_to,
            source=change.source,
            note=change.note,
            is_sample=change.is_sample,
            impact=_impact_record(impact, parameter_change_reasons(key=change.key, impact=impact)),
            confirmation={
                "proposal": change.pk,
                "proposed_by": change.proposed_by_id,
                "proposed_at": change.proposed_at.isoformat(),
                "confirmed_by": actor.pk,
                "impact_when_proposed": change.impact,
            },
            actor=actor,
        )
        change.state = ParameterChangeState.CONFIRMED
        change.confirmed_by = actor
        change.confirmed_at = now
        change.parameter = parameter
        change.save(update_fields=["state", "confirmed_by", "confirmed_at", "parameter"])
        audit_record(
            actor=actor,
            action="parameter_change.confirm",
            target=change,
            before={"state": ParameterChangeState.PENDING},
            after={"state": change.state, "parameter": parameter.pk},
        )
    return parameter


def parameter_change_withdraw(*, change: ParameterChange, reason: str, actor: Any) -> ParameterChange:
    """An officer (the proposer or another) withdraws a waiting proposal, saying why; nothing in force changes."""
    if not reason.strip():
        raise Refused(_("Say why the proposal is withdrawn."), field="reason")
    with transaction.atomic():
        change = _pending(change)
        change.state = ParameterChangeState.WITHDRAWN
        change.closed_by = actor
        change.closed_at = timezone.now()
        change.close_reason = reason.strip()
        change.save(update_fields=["state", "closed_by", "closed_at", "close_reason"])
        audit_record(
            actor=actor,
            action="parameter_change.withdraw",
            target=change,
            before={"state": ParameterChangeState.PENDING},
            after={"state": change.state},
            reason=change.close_reason,
        )
    return change
