"""Notice files: the holder's download and the public PDF of a published list. Notices that could not be made are
on the workbench (portal.views.workbench.notice_jobs)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from portal.access import enterprises_of
from registry.permissions import APPLY_AS_RESIDENT
from subsidies.cases.queue import cases_visible_to
from subsidies.document_jobs import notice_jobs_visible_to, notice_open
from subsidies.documents import SECOND_LANGUAGES, registration_certificate
from subsidies.models import DocumentKind, Notice, NoticeJob, NoticeJobState, NoticeListState, PublicNotice


def _resident_person_id(user: Any) -> int | None:
    """The real-name record a resident account is bound to, if this is one."""
    account = getattr(user, "resident", None)
    return account.person_id if account is not None and user.has_perm(APPLY_AS_RESIDENT) else None


def get_notice_for_user(user: Any, pk: int) -> Notice:
    """A made notice its holder may download: the resident it names (their own application, or their
    registration's certificate), approved members of the case's enterprise, staff who see the case's county (or
    the registration's), and anyone for a published list. Everything else is a 404, never a 403."""
    notices = Notice.objects.select_related("job__case", "job__registration", "job__public_notice")
    notice = notices.filter(pk=pk).first()
    if notice is None:
        raise Http404("no such notice")
    job = notice.job
    if job.kind == DocumentKind.PUBLIC_NOTICE_LIST:
        return notice
    if job.case_id is not None:
        case = job.case
        is_member = case.enterprise_id is not None and enterprises_of(user).filter(pk=case.enterprise_id).exists()
        # A resident's own application (an intern's claim is the enterprise's document, not the intern's).
        is_applicant = (
            case.enterprise_id is None and case.person_id is not None and (case.person_id == _resident_person_id(user))
        )
        if is_member or is_applicant or (user.is_back_office and cases_visible_to(user).filter(pk=case.pk).exists()):
            return notice
    elif job.registration_id is not None:
        if job.registration.person_id == _resident_person_id(user):
            return notice
        if user.is_back_office and notice_jobs_visible_to(user).filter(pk=job.pk).exists():
            return notice
    raise Http404("no such notice")


def _pdf_response(notice: Notice, *, public: bool) -> HttpResponse:
    response = HttpResponse(notice_open(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{notice.reference}.pdf"'
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response


@login_required
@require_GET
def notice_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The holder's notice as PDF (from "my applications", or the workbench for staff of the county).

    ?lang=kk-arab or ?lang=ug on a registration certificate: the bilingual print, made now from the same
    registration, with the stored certificate's verification code (the Chinese one stays the authoritative copy)."""
    notice = get_notice_for_user(request.user, pk)
    second = request.GET.get("lang", "")
    if second in SECOND_LANGUAGES and notice.job.kind == DocumentKind.REGISTRATION_CERTIFICATE:
        pdf = registration_certificate(
            registration=notice.job.registration,
            verification_code=notice.verification_code,
            issued_on=notice.issued_on,
            second_language=second,
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{notice.reference}-{second}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response
    return _pdf_response(notice, public=False)


@require_GET
def public_notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF of a published list (公示), for everyone. Publishing the list ordered it (in the publication's
    transaction); a GET only reads, and says "being prepared" until the workers have made it."""
    notice_list = get_object_or_404(PublicNotice, pk=pk, state__in=[NoticeListState.PUBLISHED, NoticeListState.FINAL])
    job = NoticeJob.objects.filter(public_notice=notice_list, kind=DocumentKind.PUBLIC_NOTICE_LIST).first()
    if job is not None and job.state == NoticeJobState.DONE:
        return _pdf_response(Notice.objects.get(job=job), public=True)
    response = render(request, "subsidies/notice_preparing.html", {"notice_list": notice_list}, status=503)
    response["Retry-After"] = "60"
    return response
