"""State changes of the subsidies app. Each runs in one transaction with its audit row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registry.audit import audit_record
from subsidies.models import Parameter
from subsidies.parameters import DEFINITIONS, InvalidParameterValue, parse_value, to_json


class ParameterChangeRefused(ValueError):
    """A change that would rewrite history; the message says why, for the officer."""

    def __init__(self, message: str, *, field: str = "valid_from") -> None:
        super().__init__(message)
        self.field = field


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
    actor: Any,
) -> Parameter:
    """Add a new dated value of `key`; the value in force before it is closed the day before `valid_from`.

    History is append-only: the new value must start after the start of every existing value of the key, so a
    result dated before `valid_from` never changes. Runs under a row lock on the key's rows, so two officers
    cannot create overlapping periods at the same time.
    """
    if key not in DEFINITIONS:
        raise ParameterChangeRefused(_("Unknown parameter."), field="key")
    try:
        typed = parse_value(key, value)
    except InvalidParameterValue as exc:
        raise ParameterChangeRefused(str(exc), field="value") from None
    if valid_to is not None and valid_to < valid_from:
        raise ParameterChangeRefused(_("The value cannot end before it starts."), field="valid_to")
    if not source.strip():
        raise ParameterChangeRefused(_("Say where the value comes from (clause or document)."), field="source")
    with transaction.atomic():
        rows = list(Parameter.objects.select_for_update().filter(key=key).order_by("valid_from"))
        latest = rows[-1] if rows else None
        if latest is not None and valid_from <= latest.valid_from:
            raise ParameterChangeRefused(
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
            },
            reason=parameter.note,
        )
    return parameter


@dataclass
class OfferRun:
    year: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _offer_as_of(year: int) -> date:
    """Parameters in force today, kept inside the offer's year (a past year uses its last day)."""
    today = timezone.localdate()
    return max(date(year, 1, 1), min(today, date(year, 12, 31)))


def refund_offers_compute(
    *, year: int, actor: Any = None, as_of: date | None = None, batch_size: int = 2000
) -> OfferRun:
    """免申即享: compute the standard-track refund (一) of every enterprise with an insurance year `year - 1`.

    One RefundOffer per enterprise and year. Idempotent: a rerun writes only offers whose result changed (amount,
    eligibility, layoff rate, reasons or parameters used), creates the missing ones and deletes offers whose
    insurance year is gone; each written offer gets an audit row. Reads and writes in bulk, in one transaction.
    """
    from registry.models import AuditEvent, InsuranceYear
    from subsidies.calculators.stable_job_refund import StableJobRefundInputs, calculate
    from subsidies.models import RefundOffer
    from subsidies.parameters import parameter_snapshot

    as_of = as_of or _offer_as_of(year)
    run = OfferRun(year=year)
    now = timezone.now()
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    label = RefundOffer._meta.label_lower
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE), parameter_snapshot():
        existing = {offer.enterprise_id: offer for offer in RefundOffer.objects.filter(year=year)}
        facts = InsuranceYear.objects.filter(year=year - 1).values_list(
            "enterprise_id",
            "ui_premiums_paid",
            "ui_months_paid_in_full",
            "insured_at_start",
            "insured_at_end",
            "retired_or_deceased",
        )
        to_create: list[RefundOffer] = []
        to_update: list[RefundOffer] = []
        audits: list[AuditEvent] = []
        seen: set[int] = set()
        for enterprise_id, premiums, months, start, end, gone in facts.iterator(chunk_size=batch_size):
            seen.add(enterprise_id)
            inputs = StableJobRefundInputs.model_construct(
                application_date=as_of,
                track="standard",
                ui_premiums_paid_last_year=premiums,
                ui_months_paid_in_full=months,
                insured_at_start=start,
                insured_at_end=end,
                retired_or_deceased=gone,
                on_hardship_list=None,
                insured_employees=None,
                monthly_social_insurance_due=None,
                method=None,
            )
            result = calculate(inputs, as_of)
            values = {
                "eligible": result.eligible,
                "amount": result.amount,
                "layoff_rate": Decimal(result.extra["layoff_rate"]),
                "reasons": [reason.as_dict() for reason in result.reasons],
                "parameters": [p.as_dict() for p in result.parameters],
            }
            offer = existing.get(enterprise_id)
            if offer is None:
                to_create.append(
                    RefundOffer(enterprise_id=enterprise_id, year=year, as_of=as_of, changed_at=now, **values)
                )
                continue
            if all(getattr(offer, name) == value for name, value in values.items()):
                run.unchanged += 1
                continue
            before = {"amount": str(offer.amount), "eligible": offer.eligible}
            for name, value in values.items():
                setattr(offer, name, value)
            offer.as_of = as_of
            offer.changed_at = now
            to_update.append(offer)
            audits.append(
                AuditEvent(
                    actor_id=actor_id,
                    action="refund_offer.update",
                    target_type=label,
                    target_id=str(offer.pk),
                    before=before,
                    after={"amount": str(offer.amount), "eligible": offer.eligible},
                )
            )
        created = RefundOffer.objects.bulk_create(to_create, batch_size=batch_size)
        audits.extend(
            AuditEvent(
                actor_id=actor_id,
                action="refund_offer.create",
                target_type=label,
                target_id=str(offer.pk),
                after={"amount": str(offer.amount), "eligible": offer.eligible},
            )
            for offer in created
        )
        RefundOffer.objects.bulk_update(
            to_update,
            ["eligible", "amount", "layoff_rate", "reasons", "parameters", "as_of", "changed_at"],
            batch_size=batch_size,
        )
        stale = [offer for enterprise_id, offer in existing.items() if enterprise_id not in seen]
        audits.extend(
            AuditEvent(
                actor_id=actor_id,
                action="refund_offer.delete",
                target_type=label,
                target_id=str(offer.pk),
                before={"amount": str(offer.amount), "eligible": offer.eligible},
                reason="no insurance year any more",
            )
            for offer in stale
        )
        RefundOffer.objects.filter(pk__in=[offer.pk for offer in stale]).delete()
        AuditEvent.objects.bulk_create(audits, batch_size=batch_size)
    run.created, run.updated, run.deleted = len(created), len(to_update), len(stale)
    return run
