"""'My applications': each case with its state, reference, amount, history in plain words and next step."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.access import cases_for_applicant, enterprises_of, get_case_for_applicant
from portal.models import EnterpriseMembership
from portal.services_accounts import email_confirmed, membership_approve, membership_refuse, memberships_pending_for
from portal.views.apply import claims_enterprises
from portal.views.apply.wizard import HARDSHIP, REFUND, enterprise_required, resume_url
from registry.audit import audit_trail
from registry.models import ReferralKind
from registry.refusals import Refused
from subsidies import ratings
from subsidies.cases.states import EDITABLE, LIVE, NEXT_STEP
from subsidies.commitments import item_label
from subsidies.documents import format_yuan
from subsidies.models import (
    Case,
    CaseKind,
    CaseState,
    DocumentKind,
    Evidence,
    Notification,
    NotificationEvent,
    NotificationState,
    PublicNotice,
    RefundOffer,
)
from subsidies.notifications import EVENT_OF_TRANSITION
from subsidies.parameters import ParameterNotInForce, value_in_force

STATE_BADGE = {
    CaseState.DRAFT: "text-bg-secondary",
    CaseState.SUBMITTED: "text-bg-primary",
    CaseState.IN_REVIEW: "text-bg-primary",
    CaseState.RETURNED: "text-bg-warning",
    CaseState.RESUBMITTED: "text-bg-primary",
    CaseState.APPROVED: "text-bg-success",
    CaseState.REJECTED: "text-bg-danger",
    CaseState.ON_NOTICE: "text-bg-info",
    CaseState.FINAL: "text-bg-success",
    CaseState.REVOKED: "text-bg-danger",
}


# On the progress lookup without an account (/progress/), the steps whose sentence carries a reason, an amount, a
# file name or a bank account read without them (None: the step is not shown there).
PUBLIC_SENTENCES: dict[str, Any] = {
    "case_return": gettext_lazy("It was returned to you for correction. Sign in to read what to correct."),
    "case_approve": gettext_lazy("It was approved."),
    "case_reject": gettext_lazy("It was rejected. The rejection notice says why and how to appeal."),
    "case_reopen": gettext_lazy("An objection to it was upheld, so it is being reviewed again."),
    "case_revoke": gettext_lazy("The decision was revoked. Sign in to read why."),
    "evidence_add": gettext_lazy("A document was uploaded."),
    "case_follow_up_close": gettext_lazy("The office followed up your rating. Sign in to read its answer."),
    "case_bank_account_change": None,
}


def _sentence(action: str, after: dict[str, Any], reason: str, *, public: bool = False) -> str | None:
    """What an audit row means to the applicant; None for rows that are the back office's business. `public`:
    the words for someone who proved only the reference number and a phone (no reason, amount or file name)."""
    if public and action in PUBLIC_SENTENCES:
        words = PUBLIC_SENTENCES[action]
        return str(words) if words is not None else None
    if action == "case_draft_start":
        return _("You started the application.")
    if action == "case_submit":
        return _("You submitted the application. Reference number: %(reference)s.") % {
            "reference": after.get("reference", "")
        }
    if action in ("case_claim", "case_take"):
        return _("A caseworker started reviewing it.")
    if action == "case_return":
        return _("It was returned to you for correction: %(reason)s") % {"reason": reason}
    if action == "case_resubmit":
        return _("You corrected and resubmitted it.")
    if action == "case_approve":
        amount = after.get("approved_amount")
        if amount and amount != "None":
            text = _("It was approved: %(amount)s.") % {"amount": format_yuan(Decimal(amount))}
        else:
            text = _("It was approved.")
        return f"{text} {reason}".strip() if reason else text
    if action == "case_reject":
        return _("It was rejected: %(reason)s") % {"reason": reason}
    if action == "case_publish":
        return _("It was published for public notice.")
    if action == "case_reopen":
        return _("An objection to it was upheld, so it is being reviewed again: %(reason)s") % {"reason": reason}
    if action == "case_finalise":
        return _("The decision became final.")
    if action == "case_revoke":
        return _("A post-check found your commitment false, so the decision was revoked: %(reason)s") % {
            "reason": reason
        }
    if action == "commitment_sign":
        item = item_label(after.get("purpose", ""))
        return _("You signed a commitment instead of providing: %(item)s.") % {"item": item}
    if action == "commitment_withdraw":
        return _("You took back your commitment for: %(item)s.") % {"item": item_label(after.get("purpose", ""))}
    if action == "case_referral" and after.get("kind") in ReferralKind.values:
        return _("You were referred to the civil affairs bureau for %(service)s; the bureau will contact you.") % {
            "service": ReferralKind(after["kind"]).label
        }
    if action in ratings.TIMELINE_TITLES:
        return ratings.timeline_sentence(action, after, reason)
    if action == "evidence_add":
        return _("A document was uploaded: %(name)s.") % {"name": after.get("name") or _("a file")}
    if action == "evidence_remove":
        return _("An uploaded document was removed.")
    if action == "case_bank_account_change":
        # Shown so that an applicant notices a change they did not make (where the money would go).
        return _("The bank account for the payment was changed to %(account)s.") % {
            "account": after.get("bank_account") or "—"
        }
    # Claims released back to the queue, recalculations and other internal steps are not shown.
    return None


# The heading of each step of the timeline (the action of its audit row).
STEP_TITLES: dict[str, Any] = {
    "case_draft_start": gettext_lazy("Application started"),
    "case_submit": gettext_lazy("Submitted"),
    "case_claim": gettext_lazy("Taken for review"),
    "case_take": gettext_lazy("Taken for review"),
    "case_return": gettext_lazy("Returned for correction"),
    "case_resubmit": gettext_lazy("Resubmitted"),
    "case_approve": gettext_lazy("Approved"),
    "case_reject": gettext_lazy("Rejected"),
    "case_publish": gettext_lazy("Published for public notice"),
    "case_reopen": gettext_lazy("Reviewed again after an objection"),
    "case_finalise": gettext_lazy("Final"),
    "case_revoke": gettext_lazy("Revoked after a false commitment"),
    "commitment_sign": gettext_lazy("Commitment signed"),
    "commitment_withdraw": gettext_lazy("Commitment taken back"),
    "case_referral": gettext_lazy("Referred to civil affairs"),
    "evidence_add": gettext_lazy("Document uploaded"),
    "evidence_remove": gettext_lazy("Document removed"),
    "case_bank_account_change": gettext_lazy("Bank account changed"),
    **ratings.TIMELINE_TITLES,
}
STEP_TONE = {
    "case_return": "warning",
    "case_reject": "danger",
    "case_revoke": "danger",
    "case_finalise": "success",
    "case_approve": "success",
    "case_bank_account_change": "warning",
    **ratings.TIMELINE_TONE,
}


# The audit action of each event the applicant is told about.
EVENT_OF_ACTION = {
    **{f"case_{name}": event for name, event in EVENT_OF_TRANSITION.items()},
    "case_referral": NotificationEvent.REFERRAL,
    "case_follow_up_close": NotificationEvent.FOLLOW_UP_CLOSED,
}


def _told(notification: Notification) -> str:
    if notification.sms_sent_at and notification.email_sent_at:
        return _("We told you by text message and email.")
    if notification.sms_sent_at:
        return _("We told you by text message.")
    return _("We told you by email.")


def _attach(steps: list[dict[str, Any]], actions: tuple[str, ...], document: dict[str, Any]) -> None:
    """Put a document beside the latest step that issued it (beside the last step if that one is not recorded, so
    that a document is never hidden)."""
    for step in reversed(steps):
        if step["action"] in actions:
            step["documents"].append(document)
            return
    if steps:
        steps[-1]["documents"].append(document)


def history(case: Case, *, registration: Any = None, public: bool = False) -> list[dict[str, Any]]:
    """The case's timeline for its applicant, oldest first: when (aware; shown in Asia/Shanghai), a heading, a
    sentence in plain words and the documents that step issued (the notice to download, the list it was published
    on). The registration's certificate (clause （九）) goes beside the final step of a registration.

    `public` (the progress lookup without an account): the same steps and words without reasons, amounts, file
    names, documents or the public-notice list (which names the people on it)."""
    steps: list[dict[str, Any]] = []
    events = list(audit_trail(case).order_by("occurred_at", "id"))
    # The messages sent about each step (subsidies.notifications): one per event and occurrence.
    sent = {
        (n.event, n.occurrence): n
        for n in Notification.objects.filter(case=case, objection__isnull=True, state=NotificationState.SENT)
    }
    seen: dict[str, int] = {}
    uploaded = [(e.after or {}).get("evidence") for e in events if e.action == "evidence_add"]
    names = dict(Evidence.objects.filter(case=case, pk__in=uploaded).values_list("pk", "original_name"))
    for event in events:
        after = event.after or {}
        if event.action == "evidence_add":
            after = {**after, "name": names.get(after.get("evidence"), "")}
        text = _sentence(event.action, after, event.reason, public=public)
        if not text:
            continue
        step = {
            "action": event.action,
            "when": event.occurred_at,
            "title": STEP_TITLES.get(event.action, ""),
            "tone": STEP_TONE.get(event.action, ""),
            "text": text,
            "documents": [],
        }
        seen[event.action] = seen.get(event.action, 0) + 1
        told = sent.get((EVENT_OF_ACTION.get(event.action), seen[event.action]))
        if told is not None:
            step["told"] = _told(told)
        if event.action == "case_publish" and after.get("public_notice") and not public:
            notice = PublicNotice.objects.filter(pk=after["public_notice"]).first()
            if notice is not None:
                step["public_notice"] = notice
        steps.append(step)
    if public:
        return steps
    jobs = list(case.notice_jobs.select_related("notice"))
    if registration is not None:
        jobs += list(registration.notice_jobs.select_related("notice"))
    for job in jobs:
        if job.kind == DocumentKind.REJECTION:
            _attach(steps, ("case_reject",), {"job": job})
        elif job.kind in (DocumentKind.APPROVAL, DocumentKind.REGISTRATION_CERTIFICATE):
            _attach(steps, ("case_finalise",), {"job": job})
    return steps


def _open_offers(user: Any, cases: list[Case]) -> list[RefundOffer]:
    """Each enterprise's latest offer, when it qualifies and has not applied for that year yet."""
    applied = {(c.enterprise_id, c.year) for c in cases if c.kind == CaseKind.STABLE_JOB_REFUND and c.state in LIVE}
    offers = []
    for enterprise in enterprises_of(user):
        latest = RefundOffer.objects.filter(enterprise=enterprise).order_by("-year").first()
        if latest is not None and latest.eligible and (enterprise.pk, latest.year) not in applied:
            latest.enterprise = enterprise
            offers.append(latest)
    return offers


def _continue_url(case: Case) -> str:
    """The wizard's page for its journeys; the enterprise claims (clauses （二）-（六）) continue on their own pages."""

    if case.kind in claims_enterprises.CLAIM_OF_KIND:
        return claims_enterprises.resume_url(case)
    return resume_url(case)


def _row(case: Case) -> dict[str, Any]:
    return {
        "case": case,
        "badge": STATE_BADGE[CaseState(case.state)],
        "next_step": NEXT_STEP[CaseState(case.state)],
        "continue_url": _continue_url(case) if case.state in EDITABLE else None,
    }


@enterprise_required
def index(request: HttpRequest) -> HttpResponse:
    """The enterprise's home: offers, applications and what to do next."""
    enterprises = list(enterprises_of(request.user))
    cases = list(cases_for_applicant(request.user).order_by("-year", "-created_at", "-id"))
    return render(
        request,
        "portal/apply/index.html",
        {
            "enterprises": enterprises,
            "rows": [_row(c) for c in cases],
            "offers": _open_offers(request.user, cases),
            "confirmed": email_confirmed(user=request.user),
            "journeys": [REFUND, HARDSHIP],
            "waiting": EnterpriseMembership.objects.filter(user=request.user, approved_at__isnull=True).select_related(
                "enterprise__county"
            ),
            "requests": memberships_pending_for(user=request.user),
        },
    )


@require_POST
@enterprise_required
def decide_membership(request: HttpRequest, pk: int) -> HttpResponse:
    """A colleague approves or refuses another account's request to act for their enterprise."""
    membership = get_object_or_404(memberships_pending_for(user=request.user), pk=pk)
    try:
        if request.POST.get("decision") == "approve":
            membership_approve(membership=membership, actor=request.user)
            messages.success(
                request, _("%(name)s can now act for the enterprise.") % {"name": membership.user.first_name}
            )
        else:
            membership_refuse(membership=membership, actor=request.user)
            messages.info(request, _("The request was turned down."))
    except Refused as exc:
        messages.error(request, str(exc))
    return redirect("apply:index")


@enterprise_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_applicant(request.user, pk)
    return render(request, "portal/apply/case.html", {**_row(case), "history": history(case)})


@enterprise_required
def confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    """Application complete: the reference number and what happens next (GOV.UK confirmation page)."""
    case = get_case_for_applicant(request.user, pk)
    if case.state in EDITABLE:
        return redirect("apply:case", pk=case.pk)
    today = timezone.localdate()
    days = {}
    keys = (("decision_days", "service.decision_working_days"), ("notice_days", "public_notice.working_days"))
    for name, key in keys:
        try:
            days[name] = value_in_force(key, on=today)
        except ParameterNotInForce:
            days[name] = "?"
    return render(request, "portal/apply/confirmation.html", {**_row(case), **days})
