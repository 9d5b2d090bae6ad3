"""Public notice (公示) for everyone: the lists at /notices/ and objections through a rate-limited form. Officers
build and publish the lists on the workbench (portal.views.workbench.notices). A list never shows a person's ID number.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.forms import refusal_on_form
from portal.forms.cases import ObjectionForm
from portal.ratelimits import over_limit
from registry.refusals import Refused
from subsidies.cases.publication import objection_submit
from subsidies.models import NoticeListKind, NoticeListState, PublicNotice


def _public(pk: int) -> PublicNotice:
    notice = PublicNotice.objects.select_related("county").filter(pk=pk).exclude(state=NoticeListState.DRAFT).first()
    if notice is None:
        raise Http404("no such list")
    return notice


def public_list(request: HttpRequest) -> HttpResponse:
    lists = PublicNotice.objects.select_related("county").exclude(state=NoticeListState.DRAFT)
    return render(
        request,
        "portal/notices/public_list.html",
        {
            "current": lists.filter(state=NoticeListState.PUBLISHED).order_by("-starts_on", "-id"),
            "past": lists.filter(state=NoticeListState.FINAL).order_by("-starts_on", "-id")[:100],
        },
    )


def _open_for_objections(notice: PublicNotice) -> bool:
    today = timezone.localdate()
    return notice.state == NoticeListState.PUBLISHED and notice.starts_on <= today <= notice.ends_on


def _public_page(
    request: HttpRequest, notice: PublicNotice, form: Any = None, *, status: int = 200, limited: bool = False
) -> HttpResponse:
    entries = notice.entries.filter(withdrawn=False).select_related("case__enterprise", "case__county")
    is_open = _open_for_objections(notice)
    return render(
        request,
        "portal/notices/public_detail.html",
        {
            "notice": notice,
            "entries": entries,
            "shows_amount": notice.kind == NoticeListKind.REFUND_APPROVALS,
            "is_open": is_open,
            "not_started": notice.state == NoticeListState.PUBLISHED and timezone.localdate() < notice.starts_on,
            "form": form if form is not None else (ObjectionForm(notice=notice) if is_open else None),
            "limited": limited,
        },
        status=status,
    )


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _public_page(request, _public(pk))


@require_POST
def public_object(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _public(pk)
    if not _open_for_objections(notice):
        messages.error(request, _("Objections can be made only while the list is on public notice."))
        return redirect("notices:detail", pk=notice.pk)
    # Per client address (behind the trusted proxies, portal.ratelimits), settings.RATE_LIMITS["objection"].
    if over_limit(request, "objection"):
        return _public_page(request, notice, ObjectionForm(request.POST, notice=notice), status=429, limited=True)
    form = ObjectionForm(request.POST, notice=notice)
    if not form.is_valid():
        return _public_page(request, notice, form, status=400)
    if form.cleaned_data["website"]:
        # A robot filled the hidden field: answer as usual, keep nothing.
        return redirect("notices:objection-received", pk=notice.pk)
    try:
        objection_submit(
            notice=notice,
            entry=form.cleaned_data["entry"],
            name=form.cleaned_data["name"],
            contact=form.cleaned_data["contact"],
            text=form.cleaned_data["text"],
        )
    except Refused as refused:
        refusal_on_form(form, refused)
        return _public_page(request, notice, form, status=400)
    return redirect("notices:objection-received", pk=notice.pk)


def public_objection_received(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "portal/notices/objection_received.html", {"notice": _public(pk)})
