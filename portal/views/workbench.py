from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.roles import ROLE_LABELS, Role


def index(request: HttpRequest) -> HttpResponse:
    """The back office's front page. BackOfficeTwoFactorMiddleware has already checked role and TOTP."""
    roles = [ROLE_LABELS[Role(name)] for name in sorted(request.user.role_names) if name in Role._value2member_map_]
    return render(request, "portal/workbench/index.html", {"roles": roles})
