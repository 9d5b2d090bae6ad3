"""The audit trail: every state change writes one row here, inside the change's own transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from registry.models import AuditEvent
from registry.rows import row_insert


def audit_record(
    *,
    actor: Any | None,
    action: str,
    target: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Write one audit row. Call it inside the transaction of the change it describes.

    `before`/`after` must hold masked values only (see registry's masking helpers), never a full ID number.
    """
    event = AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        before=before,
        after=after,
        reason=reason,
    )
    row_insert(event)  # every change writes one: no statement compiled each time (registry.rows)
    return event


def audit_trail(target: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk)).select_related(
        "actor"
    )
