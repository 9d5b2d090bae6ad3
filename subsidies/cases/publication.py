"""公示: publishing approved cases on a public list, objections to it, and finalising it after the period."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.audit import audit_record
from registry.permissions import PUBLISH_LIST
from registry.refusals import Refused
from subsidies.cases.rules import kinds_where
from subsidies.cases.states import S
from subsidies.cases.workflow import _check_may_decide, _lock, transition
from subsidies.models import (
    Case,
    NoticeListState,
    Objection,
    ObjectionState,
    PublicNotice,
    PublicNoticeEntry,
)
from subsidies.notifications import notification_order_for_objection
from subsidies.parameters import value_in_force
from subsidies.workdays import working_period


def notice_candidates(*, kind: str, county: Any | None) -> Any:
    """Approved cases that may go on a new list of this kind (and county, or the whole prefecture)."""
    case_kinds = kinds_where(lambda rules: rules.published_as == kind)
    # An amount still waiting for a second officer (clause （十四）) is not published.
    cases = (
        Case.objects.filter(kind__in=case_kinds, state=S.APPROVED)
        .exclude(amount_confirmation_needed=True, amount_confirmed_at__isnull=True)
        .select_related("enterprise", "county")
    )
    if county is not None:
        cases = cases.filter(county=county)
    return cases.order_by("county__code", "reference")


def notice_held_for_confirmation(*, kind: str, county: Any | None) -> Any:
    """Approved cases of this list that wait for a second officer's confirmation of the amount (not publishable)."""
    case_kinds = kinds_where(lambda rules: rules.published_as == kind)
    cases = Case.objects.filter(
        kind__in=case_kinds, state=S.APPROVED, amount_confirmation_needed=True, amount_confirmed_at__isnull=True
    ).select_related("enterprise", "county", "assignee")
    if county is not None:
        cases = cases.filter(county=county)
    return cases.order_by("county__code", "reference")


def notice_publish(
    *, kind: str, county: Any | None, title: str, starts_on: date, actor: Any, cases: list[Case] | None = None
) -> PublicNotice:
    """Publish a list of approved cases for N working days (parameter `public_notice_working_days`)."""
    if not actor.has_perm(PUBLISH_LIST):
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
        notification_order_for_objection(objection=objection)
    return objection


def notice_finalise(*, notice: PublicNotice, actor: Any, today: date | None = None) -> PublicNotice:
    """After the period, with no open objection: the list and its cases become final (notices are ordered)."""
    today = today or timezone.localdate()
    if actor is not None and not actor.has_perm(PUBLISH_LIST):
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
