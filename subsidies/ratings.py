"""好差评 (国办发〔2019〕51号): the applicant rates the service of each decided case; every bad rating is followed up.

- A decided case (approved, on public notice, final or rejected; an unemployment registration is decided when it is
  registered) may be rated once, on the five national levels, with an optional comment: online from the case's
  timeline, from the signed link in the decision's text message (no sign-in; the link names the case only and
  expires), or at the counter, where a caseworker of the case's county records it. The one-to-one Rating.case is the
  "once": a doubled or retried POST finds the rating it already made.
- 不满意 or 非常不满意 opens a follow-up for the case's county in the rating's transaction, due a dated number of
  working days later (`rating.follow_up_working_days`, counted on the holiday calendar). The county records what it
  did (contact, verification, rectification, explanation: who and when) and closes it with an outcome the person
  reads on their timeline and is told about by SMS and email.
- A follow-up still open after its last day is escalated to the prefecture by beat (`follow_ups_escalate_due`), each
  one in its own transaction with its audit row; running it twice escalates nothing twice.
- The dashboard's satisfaction table (per county, measure and month) and the open and overdue follow-ups.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.access import may_decide
from registry.audit import audit_record
from registry.models import County
from registry.refusals import Refused
from subsidies.cases.states import DECIDED
from subsidies.cases.workflow import reason_has_substance
from subsidies.models import (
    Case,
    FollowUp,
    FollowUpOutcome,
    FollowUpState,
    FollowUpStep,
    FollowUpStepKind,
    NotificationEvent,
    Rating,
    RatingChannel,
    RatingLevel,
)
from subsidies.notifications import applicant_language, notification_order
from subsidies.parameters import value_in_force
from subsidies.rating_links import LinkExpired, case_of_link, rating_link_token, rating_link_url
from subsidies.workdays import working_period

logger = logging.getLogger(__name__)

__all__ = ["LinkExpired", "case_of_link", "rating_link_token", "rating_link_url"]  # the link, for the views

FOLLOW_UP_DAYS = "rating.follow_up_working_days"
COMMENT_MAX = 500
SATISFIED_LEVELS = (RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED, RatingLevel.FAIRLY_SATISFIED)
OPEN_STATES = (FollowUpState.OPEN, FollowUpState.ESCALATED)
SHANGHAI = ZoneInfo("Asia/Shanghai")


# --- Rating ----------------------------------------------------------------------------------------------------


def rating_refusal(case: Case) -> str | None:
    """Why this case cannot be rated now, in words for the applicant; None when it can."""
    if case.state not in DECIDED:
        return _("You can rate the service once your case has been decided. This case has not been decided yet.")
    if Rating.objects.filter(case_id=case.pk).exists():
        return _("This case has been rated already. Thank you.")
    return None


def follow_up_due_on(rated_on: date) -> date:
    """The last day of the follow-up: the dated number of working days after the day of the rating."""
    days = int(value_in_force(FOLLOW_UP_DAYS, on=rated_on))
    return working_period(rated_on + timedelta(days=1), days)[1]


def rating_record(*, case: Case, level: int, comment: str = "", channel: str, actor: Any) -> Rating:
    """Record the applicant's rating of a decided case, once: a second call returns the first rating unchanged. A
    bad rating opens the county's follow-up in the same transaction. `actor`: the applicant online, the caseworker
    at the counter (who must decide cases of the case's county), None for the link of a text message."""
    if level not in RatingLevel.values:
        raise Refused(_("Choose one of the five levels."), field="level")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise Refused(_("Write at most %(n)s characters.") % {"n": COMMENT_MAX}, field="comment")
    if channel not in RatingChannel.values:
        raise ValueError(f"unknown channel {channel}")
    if channel == RatingChannel.COUNTER and not may_decide(actor, case.county_id):
        raise Refused(_("Only a caseworker of the case's county records a rating at the counter."))
    try:
        with transaction.atomic():
            # The case row is the lock: two requests rating one case run one after the other.
            case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
            existing = Rating.objects.filter(case=case).first()
            if existing is not None:
                return existing
            if case.state not in DECIDED:
                raise Refused(rating_refusal(case) or "")
            rating = Rating.objects.create(
                case=case,
                level=level,
                comment=comment,
                channel=channel,
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
            after: dict[str, Any] = {"level": level, "channel": channel}
            if rating.is_bad:
                follow_up = _follow_up_open(rating=rating, case=case)
                after["follow_up"] = follow_up.pk
                after["due_on"] = follow_up.due_on.isoformat()
            # The comment stays in the rating: it may name people, and audit rows hold masked values only.
            audit_record(actor=actor, action="case_rate", target=case, after=after)
            return rating
    except IntegrityError:
        # Another request rated it a moment ago (the lock makes this rare; the constraint makes it harmless).
        return Rating.objects.get(case_id=case.pk)


def _follow_up_open(*, rating: Rating, case: Case) -> FollowUp:
    follow_up = FollowUp.objects.create(
        rating=rating,
        case=case,
        county_id=case.county_id,
        due_on=follow_up_due_on(timezone.localdate()),
    )
    audit_record(
        actor=None,
        action="follow_up_open",
        target=follow_up,
        after={"case": case.pk, "level": rating.level, "due_on": follow_up.due_on.isoformat()},
    )
    return follow_up


# --- Follow-up -------------------------------------------------------------------------------------------------


def _lock_follow_up(follow_up: FollowUp, actor: Any) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update(of=("self",)).select_related("case").get(pk=follow_up.pk)
    if not may_decide(actor, follow_up.county_id):
        raise Refused(_("Only a caseworker of the case's county or a prefecture officer works on this follow-up."))
    if follow_up.state == FollowUpState.CLOSED:
        raise Refused(_("This follow-up is closed."))
    return follow_up


def follow_up_step_add(*, follow_up: FollowUp, kind: str, note: str, actor: Any) -> FollowUpStep:
    """Record one thing done: the person contacted, the facts verified, a rectification, an explanation."""
    if kind not in FollowUpStepKind.values:
        raise Refused(_("Choose what you did."), field="kind")
    note = (note or "").strip()
    if not reason_has_substance(note):
        raise Refused(_("Write what was done, in a few words another officer can check."), field="note")
    with transaction.atomic():
        follow_up = _lock_follow_up(follow_up, actor)
        step = FollowUpStep.objects.create(follow_up=follow_up, kind=kind, note=note, actor=actor)
        audit_record(actor=actor, action="follow_up_step", target=follow_up, after={"step": kind}, reason=note)
    return step


def follow_up_close(*, follow_up: FollowUp, outcome: str, text: str, actor: Any) -> FollowUp:
    """Close a follow-up with its outcome (rectified or explained) and the words the person reads on their timeline
    and receives by SMS and email. The person must have been contacted first."""
    if outcome not in FollowUpOutcome.values:
        raise Refused(_("Choose the outcome: rectified or explained."), field="outcome")
    text = (text or "").strip()
    if not reason_has_substance(text):
        raise Refused(_("Write what you tell the person: what was put right, or the explanation."), field="text")
    with transaction.atomic():
        follow_up = _lock_follow_up(follow_up, actor)
        if not follow_up.steps.filter(kind=FollowUpStepKind.CONTACT).exists():
            raise Refused(_("Record the contact with the person first: the follow-up starts by talking to them."))
        before = follow_up.state
        step_kind = FollowUpStepKind.RECTIFY if outcome == FollowUpOutcome.RECTIFIED else FollowUpStepKind.EXPLAIN
        FollowUpStep.objects.create(follow_up=follow_up, kind=step_kind, note=text, actor=actor)
        follow_up.state = FollowUpState.CLOSED
        follow_up.outcome = outcome
        follow_up.outcome_text = text
        follow_up.closed_by = actor
        follow_up.closed_at = timezone.now()
        follow_up.save()
        audit_record(
            actor=actor,
            action="follow_up_close",
            target=follow_up,
            before={"state": before},
            after={"state": follow_up.state, "outcome": outcome},
            reason=text,
        )
        # The case's own row is what the applicant's timeline reads.
        audit_record(
            actor=actor,
            action="case_follow_up_close",
            target=follow_up.case,
            after={"follow_up": follow_up.pk, "outcome": outcome},
            reason=text,
        )
        notification_order(
            case=follow_up.case,
            event=NotificationEvent.FOLLOW_UP_CLOSED,
            language=applicant_language(follow_up.case),
            details={"reason": text, "outcome": outcome},
        )
    return follow_up


def follow_ups_overdue(*, today: date | None = None) -> list[int]:
    """Ids of the open follow-ups whose last day has passed."""
    today = today or timezone.localdate()
    return list(
        FollowUp.objects.filter(state=FollowUpState.OPEN, due_on__lt=today)
        .order_by("due_on", "id")
        .values_list("pk", flat=True)
    )


def follow_up_escalate(*, follow_up_id: int) -> bool:
    """Escalate one overdue follow-up to the prefecture (idempotent: False when it is not open and overdue)."""
    today = timezone.localdate()
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update(skip_locked=True).filter(pk=follow_up_id).first()
        if follow_up is None or follow_up.state != FollowUpState.OPEN or follow_up.due_on >= today:
            return False
        follow_up.state = FollowUpState.ESCALATED
        follow_up.escalated_at = timezone.now()
        follow_up.save(update_fields=["state", "escalated_at"])
        audit_record(
            actor=None,
            action="follow_up_escalate",
            target=follow_up,
            before={"state": FollowUpState.OPEN},
            after={"state": follow_up.state, "due_on": follow_up.due_on.isoformat()},
        )
    logger.info("follow-up %s escalated to the prefecture (due %s)", follow_up_id, follow_up.due_on)
    return True


def follow_ups_escalate_due() -> list[int]:
    """Beat's sweep: escalate every overdue open follow-up, each in its own transaction. Returns the ids escalated."""
    return [pk for pk in follow_ups_overdue() if follow_up_escalate(follow_up_id=pk)]


def follow_up_is_overdue(follow_up: FollowUp, *, today: date | None = None) -> bool:
    return follow_up.state in OPEN_STATES and follow_up.due_on < (today or timezone.localdate())


# --- What the applicant reads on the timeline ----------------------------------------------------------------

TIMELINE_TITLES: dict[str, Any] = {
    "case_rate": gettext_lazy("You rated the service"),
    "case_follow_up_close": gettext_lazy("Your rating was followed up"),
}
TIMELINE_TONE = {"case_follow_up_close": "info"}


def timeline_sentence(action: str, after: dict[str, Any], reason: str) -> str | None:
    """The applicant's words for a rating's audit rows of the case; None for other rows."""
    if action == "case_rate":
        level = after.get("level")
        label = RatingLevel(level).label if level in RatingLevel.values else ""
        text = _("You rated the service: %(level)s. Thank you.") % {"level": label}
        if after.get("due_on"):
            due = date.fromisoformat(after["due_on"])
            text += " " + _("The office will contact you about it by %(day)s.") % {"day": due.strftime("%Y-%m-%d")}
        return text
    if action == "case_follow_up_close":
        if after.get("outcome") == FollowUpOutcome.RECTIFIED:
            return _("The office followed up your rating and put it right: %(text)s") % {"text": reason}
        return _("The office followed up your rating and explained: %(text)s") % {"text": reason}
    return None


# --- The dashboard ---------------------------------------------------------------------------------------------


def satisfaction_rate(satisfied: int, total: int) -> Decimal | None:
    """Satisfied (the first three levels) as a percentage of all ratings, to 0.1, half up; None without ratings."""
    if not total:
        return None
    return (Decimal(satisfied) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class SatisfactionRow:
    county: Any
    kind: str
    kind_label: Any
    month: date
    counts: list[int] = field(default_factory=list)  # per level, from 非常满意 to 非常不满意
    total: int = 0
    satisfied: int = 0

    @property
    def rate(self) -> Decimal | None:
        return satisfaction_rate(self.satisfied, self.total)


@dataclass
class FollowUpFigures:
    county: Any
    open: int
    overdue: int
    escalated: int


@dataclass
class Satisfaction:
    levels: list[Any]
    rows: list[SatisfactionRow]
    totals: SatisfactionRow
    follow_ups: list[FollowUpFigures]


# From 非常满意 to 非常不满意, as the national form lists them.
LEVEL_ORDER = sorted(RatingLevel, reverse=True)


def satisfaction_summary(
    *, start: date, end: date, county_ids: tuple[int, ...] | None, kinds: tuple[str, ...] | None
) -> Satisfaction:
    """Ratings given in the months [start, end] (first days of months, Asia/Shanghai) per county, measure and month,
    and the follow-ups open now, overdue and escalated, per county. `county_ids` None: all counties."""
    first = datetime(start.year, start.month, 1, tzinfo=SHANGHAI)
    after_end = datetime(end.year + end.month // 12, end.month % 12 + 1, 1, tzinfo=SHANGHAI)
    ratings = Rating.objects.filter(created_at__gte=first, created_at__lt=after_end)
    follow_ups = FollowUp.objects.filter(state__in=OPEN_STATES)
    if county_ids is not None:
        ratings = ratings.filter(case__county_id__in=county_ids)
        follow_ups = follow_ups.filter(county_id__in=county_ids)
    if kinds is not None:
        ratings = ratings.filter(case__kind__in=kinds)
        follow_ups = follow_ups.filter(case__kind__in=kinds)
    grouped = (
        ratings.annotate(month=TruncMonth("created_at", tzinfo=SHANGHAI))
        .values("case__county_id", "case__kind", "month", "level")
        .annotate(n=Count("id"))
    )
    counties = {c.pk: c for c in County.objects.all()}
    kinds_labels = dict(Case._meta.get_field("kind").choices)
    rows: dict[tuple[int, str, date], SatisfactionRow] = {}
    totals = SatisfactionRow(county=None, kind="", kind_label="", month=start, counts=[0] * len(LEVEL_ORDER))
    for item in grouped:
        month = item["month"]
        month = month.date() if isinstance(month, datetime) else month
        key = (item["case__county_id"], item["case__kind"], month)
        row = rows.get(key)
        if row is None:
            row = rows[key] = SatisfactionRow(
                county=counties.get(item["case__county_id"]),
                kind=item["case__kind"],
                kind_label=kinds_labels.get(item["case__kind"], item["case__kind"]),
                month=month,
                counts=[0] * len(LEVEL_ORDER),
            )
        index = LEVEL_ORDER.index(item["level"])
        for target in (row, totals):
            target.counts[index] += item["n"]
            target.total += item["n"]
            if item["level"] in SATISFIED_LEVELS:
                target.satisfied += item["n"]
    today = timezone.localdate()
    figures: dict[int, dict[str, int]] = defaultdict(lambda: {"open": 0, "overdue": 0, "escalated": 0})
    for item in follow_ups.values("county_id").annotate(
        n=Count("id"),
        overdue=Count("id", filter=Q(due_on__lt=today)),
        escalated=Count("id", filter=Q(state=FollowUpState.ESCALATED)),
    ):
        figures[item["county_id"]] = {"open": item["n"], "overdue": item["overdue"], "escalated": item["escalated"]}
    return Satisfaction(
        levels=[level.label for level in LEVEL_ORDER],
        rows=sorted(rows.values(), key=lambda r: (r.month, getattr(r.county, "code", ""), r.kind)),
        totals=totals,
        follow_ups=[
            FollowUpFigures(county=counties.get(pk), **values)
            for pk, values in sorted(figures.items(), key=lambda kv: getattr(counties.get(kv[0]), "code", ""))
        ],
    )
