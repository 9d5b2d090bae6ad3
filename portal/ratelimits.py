"""Rate limits (django-ratelimit) on what a stranger can repeat: sign-up, codes, emails, /verify/, objections, the API.

Each limit counts the client address and, where the request names one, the phone or email it is about: one client
cannot text a hundred phones, and a hundred clients cannot text one phone a hundred times. The client address is
read from X-Forwarded-For behind the number of proxies the operator trusts (TRUSTED_PROXY_COUNT): behind the TLS
proxy the README prescribes, REMOTE_ADDR is the proxy, i.e. everyone at once. The rates live in
settings.RATE_LIMITS; the counters in the cache named by RATELIMIT_USE_CACHE (Redis in production).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited


def client_ip(request: HttpRequest) -> str:
    """The address of the client: REMOTE_ADDR with no trusted proxy, else the address the outermost trusted proxy
    saw, i.e. the N-th entry from the right of X-Forwarded-For (entries further left are whatever the client sent)."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    candidate = forwarded[-trusted] if len(forwarded) >= trusted else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _ip_key(group: str, request: HttpRequest) -> str:
    return client_ip(request)


def over_limit(request: HttpRequest, name: str, **subjects: str) -> bool:
    """Count this request against limit `name` for the client address and each subject (phone=..., email=...).
    True when any of them is over its rate. Every key is counted, so spreading over subjects does not help."""
    rates: dict[str, str] = settings.RATE_LIMITS[name]
    over = is_ratelimited(request, group=f"{name}:ip", key=_ip_key, rate=rates["ip"], increment=True)
    for label, value in subjects.items():
        if not value or label not in rates:
            continue
        subject = str(value).strip().lower()
        over = (
            is_ratelimited(
                request, group=f"{name}:{label}", key=lambda _g, _r, s=subject: s, rate=rates[label], increment=True
            )
            or over
        )
    return over


def too_many_requests(request: HttpRequest, context: dict[str, Any] | None = None) -> HttpResponse:
    """The portal's 429 page."""
    return render(request, "429.html", context or {}, status=429)


def too_many_requests_json() -> JsonResponse:
    """The API's 429, in the API's error shape."""
    return JsonResponse({"detail": _("Too many requests. Wait a moment and try again."), "errors": []}, status=429)
