"""Telling people what happened: an SMS and an email at each step of a case that concerns the applicant, and to an
objector when their objection is resolved; each links to the page that shows the case's timeline.

An outbox, like the documents' (subsidies.document_jobs):
- the event's transaction writes a Notification row (`notifications_order_on_transition`, called by the workflow's
  `transition()`; `notification_order_for_referral` and `notification_order_for_objection` for the two events
  that are not transitions); on commit its id, and only its id, is sent to Celery;
- `notification_run` (the task's body) locks the row, reads the phone number and the email address *now*, sends
  each channel once (a retry after a failed email does not send the SMS again), and records what it did;
- `notifications_sweep` (beat, every minute) sends again every due row no worker holds.

The message is written in the applicant's language: the language they submitted in (kept on the acknowledgement
of the submission), Chinese otherwise. subsidies does not import portal: the SMS sender is looked up from
settings.SMS_SENDER when a message is sent.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from registry.audit import audit_record
from registry.models import AuditEvent, Referral, ReferralKind
from registry.rows import row_insert
from subsidies.cases.rules import rules_for
from subsidies.cases.states import ONCE_ONLY
from subsidies.documents import format_yuan
from subsidies.models import (
    Case,
    Notification,
    NotificationEvent,
    NotificationState,
    Objection,
    ObjectionState,
    Rating,
)
from subsidies.rating_links import rating_link_url

logger = logging.getLogger(__name__)

E = NotificationEvent
SEND_TASK = "subsidies.notification_send"
MAX_ATTEMPTS = 5
LEASE = timedelta(seconds=120)
RETRY_BACKOFF_SECONDS = [60, 300, 1800, 3600, 3600]
SMS_REASON_LIMIT = 120  # characters of a reason in a text message; the email and the page carry it whole

# The transitions an applicant is told about. "claim", "release" are the office's business. An approval of a kind
# that is not published is final in the same transaction: the applicant is told once, by the final message.
EVENT_OF_TRANSITION = {
    "submit": E.SUBMITTED,
    "resubmit": E.RESUBMITTED,
    "return": E.RETURNED,
    "approve": E.APPROVED,
    "reject": E.REJECTED,
    "publish": E.PUBLISHED,
    "reopen": E.REOPENED,
    "finalise": E.FINAL,
    "revoke": E.REVOKED,
}


# --- Ordering (inside the event's transaction) --------------------------------------------------------------


def _language_now() -> str:
    """The active language when it is one the portal speaks (the applicant's, in their own request)."""
    codes = {code for code, _name in settings.LANGUAGES}
    language = translation.get_language() or ""
    return language if language in codes else settings.LANGUAGE_CODE


def applicant_language(case: Case) -> str:
    """The language the applicant last submitted in; Chinese when unknown."""
    last = (
        Notification.objects.filter(case=case, objection__isnull=True, event__in=[E.SUBMITTED, E.RESUBMITTED])
        .order_by("-id")
        .values_list("language", flat=True)
        .first()
    )
    return last or settings.LANGUAGE_CODE


def _enqueue_on_commit(notification: Notification) -> None:
    notification_id = notification.pk
    transaction.on_commit(lambda: notification_enqueue(notification_id=notification_id))


def notification_order(*, case: Case, event: str, occurrence: int = 1, language: str, details: dict[str, Any]) -> Any:
    """Write the case's message for the event's nth occurrence (once: ordering it again returns the same row).

    One statement when it is new (issue 17): an insert that does nothing when the row is there already (the unique
    constraint on case, event and occurrence decides, so two requests at once still write one row), and the row
    read only then. get_or_create took five (two savepoints, a read, the insert, two releases)."""
    notification = Notification(
        case=case,
        objection=None,
        event=event,
        occurrence=occurrence,
        language=language,
        details=details,
        next_attempt_at=timezone.now(),
    )
    quote = connection.ops.quote_name
    ordered = row_insert(
        notification,
        on_conflict=f"ON CONFLICT ({quote('case_id')}, {quote('event')}, {quote('occurrence')}) "
        f"WHERE {quote('objection_id')} IS NULL DO NOTHING",
    )
    if not ordered:  # ordered before: a retried request, or another at the same moment
        return Notification.objects.get(case=case, objection=None, event=event, occurrence=occurrence)
    _enqueue_on_commit(notification)
    return notification


def notifications_order_on_transition(case: Case, name: str, *, reason: str = "") -> Notification | None:
    """The message a transition sends the applicant, ordered in its transaction (see EVENT_OF_TRANSITION), with
    the transition's reason (for a return: what is wrong and what to upload, as the caseworker wrote it). The
    transition's audit rows, the one written just before included, number the occurrence; a transition a case takes
    once only (ONCE_ONLY: submit) is its first without reading them."""
    event = EVENT_OF_TRANSITION.get(name)
    if event is None:
        return None
    if event == E.APPROVED and rules_for(case.kind).published_as is None:
        return None  # told by the final message, in a moment or once a second officer confirms the amount
    if name in ONCE_ONLY:
        count = 1
    else:
        count = AuditEvent.objects.filter(
            target_type=case._meta.label_lower, target_id=str(case.pk), action=f"case_{name}"
        ).count()
    details: dict[str, Any] = {"reason": reason}
    if case.amount is not None and event in (E.APPROVED, E.FINAL):
        details["amount"] = str(case.approved_amount if case.approved_amount is not None else case.amount)
    if event == E.PUBLISHED:
        entry = case.notice_entries.select_related("notice").order_by("-id").first()
        if entry is not None and entry.notice.starts_on:
            details["starts_on"] = entry.notice.starts_on.isoformat()
            details["ends_on"] = entry.notice.ends_on.isoformat()
    # Submitting, the applicant is in their own request: its language is theirs.
    language = _language_now() if event in (E.SUBMITTED, E.RESUBMITTED) else applicant_language(case)
    return notification_order(case=case, event=event, occurrence=max(count, 1), language=language, details=details)


def notification_order_for_referral(*, case: Case, referral: Referral) -> Notification:
    """（十一）: tell the resident they were referred to the civil affairs bureau, and for what."""
    occurrence = Notification.objects.filter(case=case, event=E.REFERRAL).count() + 1
    return notification_order(
        case=case,
        event=E.REFERRAL,
        occurrence=occurrence,
        language=applicant_language(case),
        details={"referral_kind": referral.kind},
    )


def notification_order_for_objection(*, objection: Objection) -> Notification:
    """Tell the objector how their objection was resolved (the form promised it), once per objection."""
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            objection=objection,
            event=E.OBJECTION_RESOLVED,
            defaults={
                "case_id": objection.entry.case_id,
                "language": settings.LANGUAGE_CODE,
                "details": {"upheld": objection.state == ObjectionState.UPHELD, "reason": objection.resolution_reason},
                "next_attempt_at": timezone.now(),
            },
        )
    if created:
        _enqueue_on_commit(notification)
    return notification


def notification_enqueue(*, notification_id: int) -> bool:
    """Send the id to the workers. Redis down is not an error here: the sweeper sends it again later."""
    try:
        # By name: the tasks module imports this one.
        current_app.tasks[SEND_TASK].apply_async(args=[notification_id])
    except Exception:
        logger.warning("notification %s: could not be sent to the workers; the sweeper will", notification_id)
        return False
    return True


# --- What a person reads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Texts:
    subject: str
    sms: str
    email: str
    link: str


def _base_url() -> str:
    return (getattr(settings, "PORTAL_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def timeline_url(notification: Notification) -> str:
    """The absolute address of the page that shows what happened: the case's timeline for its applicant, the
    public notice for an objector (who has no account)."""
    if notification.objection_id is not None:
        return _base_url() + reverse("notices:detail", args=[notification.objection.notice_id])
    case = notification.case
    name = "apply:case" if case.enterprise_id is not None else "residents:case"
    return _base_url() + reverse(name, args=[case.pk])


def _day(value: str | None) -> str:
    return date.fromisoformat(value).strftime("%Y-%m-%d") if value else ""


def _as_sentence(text: str) -> str:
    """A reason as a full sentence, so that the next sentence does not run into it (。 after Chinese, . otherwise)."""
    text = (text or "").strip()
    if not text or text[-1] in "。．.!！?？…":
        return text
    return text + ("。" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else ".")


def _joined(*sentences: str) -> str:
    """Sentences one after another: no space between Chinese sentences, one between English ones."""
    return ("" if (translation.get_language() or "").startswith("zh") else " ").join(sentences)


def _shorten(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sentence(notification: Notification, *, reason: str) -> str:
    """What happened, in one or two sentences of the active language."""
    details = notification.details or {}
    if notification.event == E.OBJECTION_RESOLVED:
        title = notification.objection.notice.title
        if details.get("upheld"):
            return _("Your objection to the public notice “%(title)s” was upheld: %(reason)s") % {
                "title": title,
                "reason": reason,
            }
        return _("Your objection to the public notice “%(title)s” was not upheld: %(reason)s") % {
            "title": title,
            "reason": reason,
        }
    case = notification.case
    values = {"kind": case.get_kind_display(), "reference": case.reference or "", "reason": reason}
    amount = details.get("amount")
    event = notification.event
    if event == E.SUBMITTED:
        return _("We received your application “%(kind)s” (reference %(reference)s). A caseworker will review it.") % (
            values
        )
    if event == E.RESUBMITTED:
        return _("We received the corrections to your application “%(kind)s” (%(reference)s).") % values
    if event == E.RETURNED:
        text = _("Your application “%(kind)s” (%(reference)s) was returned for correction. Reason: %(reason)s") % (
            values
        )
        return _joined(text, _("Correct it and resubmit it on your application's page."))
    if event == E.APPROVED:
        if amount:
            return _(
                "Your application “%(kind)s” (%(reference)s) was approved: %(amount)s. It will be published for "
                "public notice before it becomes final."
            ) % {**values, "amount": format_yuan(Decimal(amount))}
        return (
            _(
                "Your application “%(kind)s” (%(reference)s) was approved. It will be published for public notice "
                "before it becomes final."
            )
            % values
        )
    if event == E.REJECTED:
        return (
            _(
                "Your application “%(kind)s” (%(reference)s) was rejected. Reason: %(reason)s You can download the "
                "rejection notice on your application's page."
            )
            % values
        )
    if event == E.PUBLISHED:
        return _(
            "Your application “%(kind)s” (%(reference)s) is on public notice from %(start)s to %(end)s; anyone may "
            "object until then."
        ) % {**values, "start": _day(details.get("starts_on")), "end": _day(details.get("ends_on"))}
    if event == E.REOPENED:
        return (
            _(
                "An objection to your application “%(kind)s” (%(reference)s) was upheld, so it is being reviewed "
                "again: %(reason)s"
            )
            % values
        )
    if event == E.FINAL:
        if amount:
            return _(
                "The decision on your application “%(kind)s” (%(reference)s) is final: %(amount)s approved. "
                "Download the notice on your application's page."
            ) % {**values, "amount": format_yuan(Decimal(amount))}
        return (
            _(
                "The decision on your application “%(kind)s” (%(reference)s) is final. Download the notice on your "
                "application's page."
            )
            % values
        )
    if event == E.REVOKED:
        return (
            _(
                "The decision on your application “%(kind)s” (%(reference)s) was revoked: a post-check found your "
                "commitment false. %(reason)s Any amount paid must be returned, and for a period you must provide "
                "documents instead of commitments."
            )
            % values
        )
    if event == E.REFERRAL:
        return _(
            "A caseworker referred you to the civil affairs bureau for %(service)s (case %(reference)s). The bureau "
            "will contact you; you may also visit it."
        ) % {**values, "service": ReferralKind(details.get("referral_kind")).label}
    if event == E.FOLLOW_UP_CLOSED:
        return _("We followed up your rating of “%(kind)s” (%(reference)s): %(reason)s") % values
    raise ValueError(f"no text for {event}")


# 好差评 (subsidies.ratings): a decision's message invites the applicant to rate the service, by a link that needs
# no sign-in, until the case is rated.
RATING_INVITED = (E.APPROVED, E.REJECTED, E.FINAL)


def _rating_invitation(notification: Notification) -> str:
    if notification.objection_id is not None or notification.event not in RATING_INVITED:
        return ""
    if Rating.objects.filter(case_id=notification.case_id).exists():
        return ""
    return _("Rate our service: %(link)s") % {"link": rating_link_url(notification.case)}


def notification_texts(notification: Notification) -> Texts:
    """The SMS, the email subject and body, in the notification's language."""
    link = timeline_url(notification)
    reason = _as_sentence((notification.details or {}).get("reason", ""))
    with translation.override(notification.language or settings.LANGUAGE_CODE):
        sms = _("[Tacheng employment services] %(sentence)s Details: %(link)s") % {
            "sentence": _sentence(notification, reason=_shorten(reason, SMS_REASON_LIMIT)),
            "link": link,
        }
        invitation = _rating_invitation(notification)
        if invitation:
            sms = f"{sms} {invitation}"  # a space, in every language: the text before ends with a link
        if notification.objection_id is not None:
            subject = _("Your objection: %(title)s") % {"title": notification.objection.notice.title}
        else:
            subject = _("%(event)s: %(reference)s") % {
                "event": notification.get_event_display(),
                "reference": notification.case.reference or notification.case.get_kind_display(),
            }
        email = render_to_string(
            "subsidies/notifications/email.txt",
            {
                "sentence": _joined(*[t for t in (_sentence(notification, reason=reason), invitation) if t]),
                "link": link,
            },
        )
    return Texts(subject=str(subject), sms=sms, email=email, link=link)


# --- Sending (the task's body) -------------------------------------------------------------------------------

PHONE = re.compile(r"^1\d{10}$")


def normalise_phone(value: str) -> str:
    """ "+86 139 9901 2345", "139-9901-2345" -> "13999012345"; anything that is not a mainland mobile -> ""."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    digits = re.sub(r"^(\+?86)", "", digits)
    return digits if PHONE.match(digits) else ""


def _contacts(notification: Notification) -> tuple[str, str]:
    """The phone number and the email address to write to, read now (they may have changed since the event)."""
    if notification.objection_id is not None:
        contact = (notification.objection.objector_contact or "").strip()
        if "@" in contact:
            return "", contact
        return normalise_phone(contact), ""
    case = notification.case
    # A case a caseworker entered at the desk is the applicant's all the same: never write to the caseworker.
    user = None if getattr(case.created_by, "is_back_office", False) else case.created_by
    phone = normalise_phone(user.phone) if user else ""
    if not phone and case.person_id and case.enterprise_id is None:
        phone = normalise_phone(case.person.phone)  # a resident's own case: the phone in the real-name file
    return phone, ((user.email or "").strip() if user else "")


def sms_send(phone: str, text: str) -> None:
    """Through the sender named by settings.SMS_SENDER (portal.sms provides them; production plugs in its own)."""
    import_string(settings.SMS_SENDER)().send(phone, text)


def notification_run(*, notification_id: int) -> tuple[str, int | None]:
    """Send one notification (the Celery task's body; safe to run any number of times). Returns its state and,
    when it must be tried again, in how many seconds."""
    now = timezone.now()
    with transaction.atomic():
        locked = Notification.objects.select_for_update(skip_locked=True, of=("self",))
        notification = locked.filter(pk=notification_id).first()
        if notification is None:
            return "busy", None
        if notification.state != NotificationState.PENDING:
            return notification.state, None
        notification.attempts += 1
        notification.next_attempt_at = now + LEASE
        notification.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("case__created_by", "case__person", "objection__notice")
            .get(pk=notification_id)
        )
        if notification.state != NotificationState.PENDING:
            return notification.state, None
        phone, email = _contacts(notification)
        if not phone and not email:
            notification.state = NotificationState.NO_CONTACT
            notification.save(update_fields=["state", "updated_at"])
            return notification.state, None
        errors = []
        texts = notification_texts(notification)
        if phone and notification.sms_sent_at is None:
            try:
                sms_send(phone, texts.sms)
                notification.sms_sent_at = timezone.now()
            except Exception as exc:
                logger.warning("notification %s: the SMS could not be sent", notification_id, exc_info=True)
                errors.append(f"SMS: {type(exc).__name__}: {exc}")
        if email and notification.email_sent_at is None:
            try:
                send_mail(texts.subject, texts.email, None, [email])
                notification.email_sent_at = timezone.now()
            except Exception as exc:
                logger.warning("notification %s: the email could not be sent", notification_id, exc_info=True)
                errors.append(f"email: {type(exc).__name__}: {exc}")
        retry_in = None
        if not errors:
            notification.state = NotificationState.SENT
            notification.last_error = ""
        elif notification.attempts >= MAX_ATTEMPTS:
            notification.state = NotificationState.FAILED
            notification.last_error = "; ".join(errors)[:2000]
        else:
            retry_in = RETRY_BACKOFF_SECONDS[min(notification.attempts, len(RETRY_BACKOFF_SECONDS)) - 1]
            notification.last_error = "; ".join(errors)[:2000]
            notification.next_attempt_at = timezone.now() + timedelta(seconds=retry_in) + LEASE
        notification.save()
        audit_record(
            actor=None,
            action="notification_send",
            target=notification,
            after={
                "state": notification.state,
                "sms": notification.sms_sent_at is not None,
                "email": notification.email_sent_at is not None,
            },
            reason=notification.last_error[:500],
        )
    return notification.state, retry_in


def notifications_sweep(*, now: Any = None, limit: int = 500) -> list[int]:
    """Beat, every minute: send every due notification no worker holds."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(state=NotificationState.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        Notification.objects.filter(pk__in=due).update(next_attempt_at=now + LEASE)
    for notification_id in due:
        notification_enqueue(notification_id=notification_id)
    return due
