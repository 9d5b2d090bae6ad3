"""State changes of the subsidies app. Each runs in one transaction with its audit row."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
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
            },
            reason=parameter.note,
        )
    return parameter
