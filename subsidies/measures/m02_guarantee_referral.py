"""（二） Financing guarantees for small and micro enterprises: enterprises on the quality list (名优企业名录) are
referred to the government guarantee company; the portal records the request, the referral and its answer.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.access import may_decide
from registry.audit import audit_record
from registry.models import Enterprise
from registry.permissions import DECIDE_CASE
from registry.refusals import Refused
from subsidies.calculators.base import clause
from subsidies.cases.checks import Check
from subsidies.cases.states import EDITABLE
from subsidies.cases.workflow import case_draft_save, case_draft_start
from subsidies.measures.m03_startup_loan import size_check
from subsidies.models import (
    Case,
    CaseKind,
    GuaranteeReferral,
    ReferralState,
)

TWO = clause("（二）")

# The government financing-guarantee company of the prefecture (clause （二）); synthetic name.
GUARANTEE_COMPANY = "塔城地区政府性融资担保有限公司"


def guarantee_referral_checks(*, enterprise: Enterprise) -> list[Check]:
    listed = enterprise.on_quality_list
    return [
        Check(
            "quality_list",
            gettext_lazy("On the quality-enterprise list (名优企业名录)"),
            listed,
            _("On the quality-enterprise list.")
            if listed
            else _("The enterprise is not on the quality-enterprise list, so it cannot be referred."),
            TWO,
        ),
        size_check(enterprise, TWO),
    ]


def guarantee_referral_start(*, enterprise: Enterprise, answers: dict[str, Any], actor: Any) -> Case:
    case = case_draft_start(
        kind=CaseKind.GUARANTEE_REFERRAL, enterprise=enterprise, year=timezone.localdate().year, actor=actor
    )
    if case.state in EDITABLE:
        case = case_draft_save(case=case, answers=answers, actor=actor)
    return case


def referral_on_final(case: Case) -> None:
    """An approved (final) referral request is recorded as referred to the guarantee company."""
    referral, created = GuaranteeReferral.objects.get_or_create(
        case=case, defaults={"guarantee_company": GUARANTEE_COMPANY, "referred_on": timezone.localdate()}
    )
    if created:
        audit_record(
            actor=None,
            action="referral_create",
            target=referral,
            after={"state": referral.state, "case": case.pk, "guarantee_company": referral.guarantee_company},
        )


def referral_respond(*, referral: GuaranteeReferral, accepted: bool, responded_on: date, note: str, actor: Any) -> Any:
    """The guarantee company's answer, recorded by the county or an officer: accepted or declined, date, note."""
    if not actor.has_perm(DECIDE_CASE):
        raise Refused(_("Your role cannot record the guarantee company's answer."))
    with transaction.atomic():
        referral = GuaranteeReferral.objects.select_for_update().select_related("case").get(pk=referral.pk)
        if not may_decide(actor, referral.case.county_id):
            raise Refused(_("This case belongs to another county's queue."))
        if referral.state != ReferralState.REFERRED:
            raise Refused(_("The guarantee company's answer is already recorded."))
        if responded_on < referral.referred_on:
            raise Refused(_("The answer cannot come before the referral."), field="responded_on")
        if responded_on > timezone.localdate():
            raise Refused(_("The date cannot be in the future."), field="responded_on")
        before = referral.state
        referral.state = ReferralState.ACCEPTED if accepted else ReferralState.DECLINED
        referral.responded_on = responded_on
        referral.note = note.strip()
        referral.save()
        audit_record(
            actor=actor,
            action="referral_respond",
            target=referral,
            before={"state": before},
            after={"state": referral.state, "responded_on": responded_on.isoformat()},
            reason=referral.note,
        )
    return referral


def guarantee_referral_evaluate(case: Case) -> tuple[list[Check], dict[str, Any] | None]:
    return guarantee_referral_checks(enterprise=case.enterprise), None
