"""Notices (PDF) made exactly once: ordering, running, sweeping, retrying and verifying them.

The database is the source of truth and Redis only carries work:
- a decision's transaction writes a NoticeJob (`documents_order_on_transition`, called by the workflow's
  `transition()`), and on commit the job id is sent to Celery (failure to send only logs);
- `notice_jobs_sweep` (beat, every minute) sends again every due job that no worker holds, so a job survives Redis
  being down at the moment of the decision, or a worker dying in the middle of it;
- `notice_job_run` (the task's body) locks the job, returns at once if it is done, renders, stores the file at a
  path fixed by the job (overwriting what a dead worker may have left), records the SHA-256 and marks it done, all
  under the job's row lock; a failure is counted and retried with backoff, and after MAX_ATTEMPTS the job is failed
  and shown to caseworkers, whose "retry" is `notice_job_retry`.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from celery import current_app
from celery.signals import worker_process_shutdown
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registry.access import county_scope, in_users_county
from registry.audit import audit_record
from registry.models import UnemploymentRegistration
from registry.permissions import DECIDE_CASE
from registry.refusals import Refused
from subsidies import documents
from subsidies.cases.rules import rules_for
from subsidies.models import (
    Case,
    DocumentKind,
    Notice,
    NoticeJob,
    NoticeJobState,
    PublicNotice,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# How long a job taken by a worker is left alone before the sweeper may send it again. A worker that is rendering
# holds the job's row lock, so the sweeper never takes a live job; the lease only covers the moment between
# counting the attempt and taking the lock.
LEASE = timedelta(seconds=120)
RETRY_BACKOFF_SECONDS = [30, 120, 600, 1800, 3600]
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols, no 0/O or 1/I to misread
CODE_LENGTH = 10  # 50 bits: unguessable, short enough to type
RENDER_TASK = "subsidies.notice_render"


def verification_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def mask_person_name(name: str) -> str:
    """阿依古丽 -> 阿*古丽, 张三丰 -> 张*丰, 李四 -> 李*: the first and the last characters stay, the middle dot too."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    keep_end = 2 if len(name) >= 4 else 1
    middle = "".join("·" if ch in "·•." else "*" for ch in name[1:-keep_end])
    return name[0] + middle + name[-keep_end:]


# --- Ordering ----------------------------------------------------------------------------------------------


def notice_job_order(
    *,
    kind: str,
    issued_on: date | None = None,
    case: Case | None = None,
    registration: UnemploymentRegistration | None = None,
    public_notice: PublicNotice | None = None,
) -> NoticeJob:
    """Order a document inside the caller's transaction (one job per subject and kind); send it on commit."""
    subject = {"case": case, "registration": registration, "public_notice": public_notice}
    with transaction.atomic():
        job, created = NoticeJob.objects.get_or_create(
            kind=kind,
            **{key: value for key, value in subject.items() if value is not None},
            defaults={
                "next_attempt_at": timezone.now(),
                "verification_code": verification_code_new(),
                "issued_on": issued_on or timezone.localdate(),
            },
        )
    if created:
        job_id = job.pk
        transaction.on_commit(lambda: notice_job_enqueue(job_id=job_id))
    return job


def documents_order_on_transition(case: Case, name: str) -> None:
    """The documents a transition issues, ordered in its transaction: the approval notice when a case becomes final
    (or approved, for kinds that are not published), the rejection notice on rejection, and the list's PDF when a
    case is published on it."""
    if name == "reject":
        notice_job_order(kind=DocumentKind.REJECTION, case=case)
    elif name == "finalise" or (name == "approve" and rules_for(case.kind).published_as is None):
        notice_job_order(kind=DocumentKind.APPROVAL, case=case)
    elif name == "publish":
        entry = case.notice_entries.order_by("-id").first()
        if entry is not None:
            notice_job_order(kind=DocumentKind.PUBLIC_NOTICE_LIST, public_notice=entry.notice)


def registration_certificate_order(*, registration: UnemploymentRegistration, actor: Any) -> NoticeJob:
    """Order the unemployment registration certificate (clause （九）) for a registration (resident journey)."""
    with transaction.atomic():
        job = notice_job_order(kind=DocumentKind.REGISTRATION_CERTIFICATE, registration=registration)
        audit_record(actor=actor, action="notice_order", target=job, after={"kind": job.kind})
    return job


def notice_job_enqueue(*, job_id: int) -> bool:
    """Send the job id to the workers. Redis down is not an error here: the sweeper sends it again later."""
    try:
        # By name: the tasks module sits above this one (it imports it), so it is looked up, not imported.
        current_app.tasks[RENDER_TASK].apply_async(args=[job_id])
    except Exception:
        logger.warning(
            "notice job %s: could not be sent to the workers; the sweeper will send it", job_id, exc_info=True
        )
        return False
    return True


# --- Running -----------------------------------------------------------------------------------------------


@worker_process_shutdown.connect
def _renderer_release(**_kwargs: Any) -> None:
    """A worker's pool child (replaced after CELERY_WORKER_MAX_TASKS_PER_CHILD tasks, or when it grew past
    CELERY_WORKER_MAX_MEMORY_PER_CHILD) deletes its temporary copies of the fonts before it goes."""
    documents.renderer_release()


@dataclass(frozen=True)
class RunOutcome:
    state: str
    retry_in: int | None = None


def notice_path(job: NoticeJob) -> str:
    """The file's place in storage, fixed by the job: a rerun overwrites, never adds a second file."""
    return f"notices/{job.kind}/{job.pk:08d}.pdf"


def _document(job: NoticeJob) -> tuple[bytes, dict[str, Any]]:
    """Render the job's document; return its bytes and what the verify page shows about it."""
    code, issued_on = job.verification_code, job.issued_on
    if job.kind in (DocumentKind.APPROVAL, DocumentKind.REJECTION):
        case = Case.objects.select_related("enterprise", "person", "county").get(pk=job.case_id)
        render = documents.approval_notice if job.kind == DocumentKind.APPROVAL else documents.rejection_notice
        pdf = render(case=case, verification_code=code, issued_on=issued_on)
        holder = case.enterprise.name if case.enterprise else case.person.name
        amount = case.approved_amount if job.kind == DocumentKind.APPROVAL else None
        meta = {
            "reference": case.reference,
            "holder_name": holder,
            "holder_is_person": case.enterprise is None,
            "amount": amount,
        }
    elif job.kind == DocumentKind.REGISTRATION_CERTIFICATE:
        registration = UnemploymentRegistration.objects.select_related("person", "residence_county").get(
            pk=job.registration_id
        )
        pdf = documents.registration_certificate(registration=registration, verification_code=code, issued_on=issued_on)
        meta = {
            "reference": documents.registration_reference(registration),
            "holder_name": registration.person.name,
            "holder_is_person": True,
            "amount": None,
        }
    else:
        notice = PublicNotice.objects.select_related("county").get(pk=job.public_notice_id)
        pdf = documents.public_notice_list(notice=notice, verification_code=code, issued_on=issued_on)
        meta = {
            "reference": documents.public_notice_reference(notice),
            "holder_name": notice.title,
            "holder_is_person": False,
            "amount": None,
        }
    return pdf, meta


def _store(name: str, content: bytes) -> None:
    storage = storages["notices"]  # local MEDIA_ROOT, or the S3 bucket every machine shares (settings)
    if storage.exists(name):
        # What a worker killed in the middle of writing left behind.
        storage.delete(name)
    saved = storage.save(name, ContentFile(content))
    if saved != name:
        raise RuntimeError(f"storage saved {saved!r} instead of {name!r}")


def notice_job_run(*, job_id: int) -> RunOutcome:
    """Make the job's document exactly once (the Celery task's body; safe to run any number of times)."""
    now = timezone.now()
    with transaction.atomic():
        job = NoticeJob.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
        if job is None:
            # Unknown, or another worker is making it right now (it holds the lock).
            return RunOutcome("busy")
        if job.state in (NoticeJobState.DONE, NoticeJobState.FAILED):
            return RunOutcome(job.state)
        if job.attempts >= MAX_ATTEMPTS:
            return _fail(job, job.last_error or "too many attempts")
        # Counted before rendering, in its own transaction: a document that kills its worker every time still
        # ends as failed.
        job.attempts += 1
        job.state = NoticeJobState.RUNNING
        job.next_attempt_at = now + LEASE
        job.save(update_fields=["attempts", "state", "next_attempt_at", "updated_at"])
    try:
        with transaction.atomic():
            job = NoticeJob.objects.select_for_update().get(pk=job_id)
            if job.state == NoticeJobState.DONE:
                return RunOutcome(job.state)
            pdf, meta = _document(job)
            name = notice_path(job)
            _store(name, pdf)
            notice, _created = Notice.objects.update_or_create(
                job=job,
                defaults={
                    "file": name,
                    "sha256": hashlib.sha256(pdf).hexdigest(),
                    "size": len(pdf),
                    "verification_code": job.verification_code,
                    "issued_on": job.issued_on,
                    **meta,
                },
            )
            job.state = NoticeJobState.DONE
            job.last_error = ""
            job.save(update_fields=["state", "last_error", "updated_at"])
            audit_record(
                actor=None,
                action="notice_made",
                target=notice,
                after={"kind": job.kind, "sha256": notice.sha256, "size": notice.size},
            )
            notice_id = notice.pk
            transaction.on_commit(lambda: notice_ready_email(notice_id=notice_id))
        return RunOutcome(NoticeJobState.DONE)
    except Exception as exc:
        logger.exception("notice job %s: attempt failed", job_id)
        with transaction.atomic():
            job = NoticeJob.objects.select_for_update().get(pk=job_id)
            job.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if job.attempts >= MAX_ATTEMPTS:
                return _fail(job, job.last_error)
            wait = RETRY_BACKOFF_SECONDS[min(job.attempts, len(RETRY_BACKOFF_SECONDS)) - 1]
            job.state = NoticeJobState.PENDING
            # The task's own retry comes at `wait`; the sweeper only if that retry is lost.
            job.next_attempt_at = timezone.now() + timedelta(seconds=wait) + LEASE
            job.save(update_fields=["state", "last_error", "next_attempt_at", "updated_at"])
        return RunOutcome(NoticeJobState.PENDING, retry_in=wait)


def _fail(job: NoticeJob, error: str) -> RunOutcome:
    job.state = NoticeJobState.FAILED
    job.last_error = error
    job.save(update_fields=["state", "last_error", "updated_at"])
    audit_record(actor=None, action="notice_failed", target=job, after={"attempts": job.attempts}, reason=error)
    return RunOutcome(NoticeJobState.FAILED)


def notice_jobs_sweep(*, now: Any = None, limit: int = 500) -> list[int]:
    """Beat, every minute: send every due job that no worker holds (skip_locked), so none is ever stranded."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            NoticeJob.objects.select_for_update(skip_locked=True)
            .filter(state__in=[NoticeJobState.PENDING, NoticeJobState.RUNNING], next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        # Not again at the next sweep while it waits in the queue (a duplicate would be harmless, only wasteful).
        NoticeJob.objects.filter(pk__in=due).update(next_attempt_at=now + LEASE)
    for job_id in due:
        notice_job_enqueue(job_id=job_id)
    return due


# --- Caseworkers: failed jobs and their retry --------------------------------------------------------------


def notice_job_county_id(job: NoticeJob) -> int | None:
    if job.case_id:
        return job.case.county_id
    if job.registration_id:
        return job.registration.residence_county_id
    return job.public_notice.county_id if job.public_notice_id else None


def notice_jobs_visible_to(user: Any) -> QuerySet[NoticeJob]:
    jobs = NoticeJob.objects.select_related("case", "registration__residence_county", "public_notice")
    return county_scope(user, jobs, "case__county", "registration__residence_county", "public_notice__county")


def notice_jobs_failed_for(user: Any) -> QuerySet[NoticeJob]:
    return notice_jobs_visible_to(user).filter(state=NoticeJobState.FAILED).order_by("updated_at", "id")


def notice_job_retry(*, job: NoticeJob, actor: Any) -> NoticeJob:
    """A caseworker's "retry" on a failed job: attempts start again from zero; the job is sent on commit."""
    if not actor.has_perm(DECIDE_CASE):
        raise Refused(_("Your role cannot retry notices."))
    with transaction.atomic():
        locked = NoticeJob.objects.select_for_update(of=("self",))
        job = locked.select_related("case", "registration", "public_notice").get(pk=job.pk)
        if not in_users_county(actor, notice_job_county_id(job)):
            raise Refused(_("This notice belongs to another county."))
        if job.state != NoticeJobState.FAILED:
            raise Refused(
                _("Only a failed notice can be retried; this one is %(state)s.") % {"state": job.get_state_display()}
            )
        before = {"state": job.state, "attempts": job.attempts}
        job.state = NoticeJobState.PENDING
        job.attempts = 0
        job.next_attempt_at = timezone.now()
        job.save(update_fields=["state", "attempts", "next_attempt_at", "updated_at"])
        audit_record(
            actor=actor,
            action="notice_retry",
            target=job,
            before=before,
            after={"state": job.state, "attempts": 0},
            reason=job.last_error[:500],
        )
        job_id = job.pk
        transaction.on_commit(lambda: notice_job_enqueue(job_id=job_id))
    return job


# --- Delivery and verification -----------------------------------------------------------------------------


def notice_download_path(notice: Notice) -> str:
    try:
        return reverse("notice-download", args=[notice.pk])
    except NoReverseMatch:
        return f"/apply/notices/{notice.pk}/"


def notice_ready_email(*, notice_id: int) -> None:
    """Tell the applicant the notice is ready: a link to sign in and download it, never the file itself."""
    notice = Notice.objects.select_related("job__case__created_by").get(pk=notice_id)
    case = notice.job.case
    if case is None or not case.created_by.email:
        return
    base = (getattr(settings, "PORTAL_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your notice %(reference)s is ready") % {"reference": notice.reference}
        body = _(
            "Your %(document)s for application %(reference)s is ready.\n\nSign in and download it here:\n"
            "%(link)s\n\nAnyone you show it to can check it is genuine at %(verify)s"
        ) % {
            "document": notice.job.get_kind_display(),
            "reference": notice.reference,
            "link": base + notice_download_path(notice),
            "verify": documents.verify_url(notice.verification_code),
        }
    try:
        send_mail(subject, body, None, [case.created_by.email])
    except Exception:
        logger.warning("notice %s: the ready email could not be sent", notice_id, exc_info=True)


def notice_open(notice: Notice) -> bytes:
    with storages["notices"].open(notice.file, "rb") as handle:
        return handle.read()


def notice_verify(*, code: str) -> Notice | None:
    code = (code or "").strip().upper()
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return Notice.objects.select_related("job").filter(verification_code=code).first()


def normalise_sha256(value: str) -> str:
    return "".join((value or "").split()).lower()
