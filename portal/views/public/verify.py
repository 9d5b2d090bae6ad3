"""/verify/<code>/: anyone checks that a notice is genuine, and compares the SHA-256 of the copy they were given."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from portal.ratelimits import over_limit, too_many_requests
from subsidies.document_jobs import mask_person_name, normalise_sha256, notice_verify

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


@require_GET
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """The form to type a code printed on a notice."""
    if "code" in request.GET and over_limit(request, "verify"):
        return too_many_requests(request)
    # Only the code's own characters: anything else (a "/", a "?") could not be part of a code, nor of its URL.
    code = re.sub(r"[^0-9A-Z]", "", (request.GET.get("code") or "").upper())
    if code:
        return redirect(reverse("verify", args=[code[:32]]))
    return render(request, "portal/verify.html", {"lookup": True})


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Genuine or not; what the notice says; and, if a SHA-256 is given, whether the copy matches."""
    if over_limit(request, "verify"):
        return too_many_requests(request)
    notice = notice_verify(code=code)
    context: dict[str, object] = {"code": code[:32], "notice": notice}
    if notice is not None:
        context["holder"] = mask_person_name(notice.holder_name) if notice.holder_is_person else notice.holder_name
        given = request.GET.get("sha256")
        if given is not None:
            cleaned = normalise_sha256(given)
            context["sha256_given"] = given[:100]
            if not SHA256_RE.match(cleaned):
                context["sha256_error"] = True
            else:
                context["sha256_matches"] = cleaned == notice.sha256
    return render(request, "portal/verify.html", context, status=200 if notice is not None else 404)
