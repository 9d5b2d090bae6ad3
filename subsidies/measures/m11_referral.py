"""（十一） Basic living: people who may qualify for 低保 or temporary assistance are referred to civil affairs
(民政局); the portal records the referral.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from registry.access import may_decide
from registry.audit import audit_record
from registry.models import (
    Referral,
    ReferralKind,
)
from registry.permissions import DECIDE_CASE
from registry.refusals import Refused
from subsidies.models import Case
from subsidies.notifications import notification_order_for_referral


def referral_record(*, case: Case, kind: str, note: str, actor: Any) -> Referral:
    """A caseworker refers the resident of a case to the civil affairs bureau (低保 or temporary assistance)."""
    if not actor.has_perm(DECIDE_CASE):
        raise Refused(_("Your role cannot record referrals."))
    if not may_decide(actor, case.county_id):
        raise Refused(_("This case belongs to another county's queue."))
    if case.person_id is None or case.enterprise_id is not None:
        raise Refused(_("Only a resident's case can lead to a referral."))
    if kind not in ReferralKind.values:
        raise Refused(_("Choose what the person is referred for."), field="kind")
    if not note.strip():
        raise Refused(_("Write a note for the civil affairs bureau."), field="note")
    with transaction.atomic():
        referral = Referral.objects.create(
            person_id=case.person_id,
            kind=kind,
            note=note.strip(),
            county=case.county,
            case_reference=case.reference or "",
            referred_by=actor,
        )
        audit_record(
            actor=actor,
            action="referral_record",
            target=referral,
            after={"person": case.person_id, "kind": kind, "case": case.reference},
        )
        audit_record(actor=actor, action="case_referral", target=case, after={"referral": referral.pk, "kind": kind})
        notification_order_for_referral(case=case, referral=referral)
    return referral
