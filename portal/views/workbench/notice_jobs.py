"""The workbench's notices (PDF) that could not be made: failed jobs of the user's scope, and a retry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from registry.refusals import Refused
from subsidies.document_jobs import notice_job_retry, notice_jobs_failed_for, notice_jobs_visible_to
from subsidies.models import NoticeJobState


@login_required
@permission_required("portal.access_workbench", raise_exception=True)
@require_GET
def notice_jobs(request: HttpRequest) -> HttpResponse:
    """Failed notice jobs of the user's scope, with a retry button; and how many are waiting."""
    visible = notice_jobs_visible_to(request.user)
    waiting = visible.filter(Q(state=NoticeJobState.PENDING) | Q(state=NoticeJobState.RUNNING)).count()
    context = {"failed_notice_jobs": notice_jobs_failed_for(request.user)[:200], "waiting": waiting}
    return render(request, "subsidies/notice_jobs.html", context)


@login_required
@permission_required("portal.access_workbench", raise_exception=True)
@require_POST
def notice_job_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(notice_jobs_visible_to(request.user), pk=pk)
    try:
        notice_job_retry(job=job, actor=request.user)
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The notice will be made again in a moment."))
    return redirect("workbench:notice-jobs")
