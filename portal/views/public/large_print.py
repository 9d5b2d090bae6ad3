"""The large-print switch (适老化, issue 18 point 5): a POST from the header of every page, no JavaScript needed.

The choice is kept in the session and in a cookie for a year, so it survives signing in and a closed browser; the
base template reads it through the `large_print` template tag (portal.templatetags.large_print).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

COOKIE = "large_print"
SESSION_KEY = "large_print"
REMEMBERED_FOR = timedelta(days=365)


def large_print_on(request: HttpRequest) -> bool:
    """The person's choice: this session's, else the cookie's (a new session after a sign-in on this browser)."""
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        return bool(session[SESSION_KEY])
    return request.COOKIES.get(COOKIE) == "1"


@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    """Turn large print on or off, then go back to the page the switch was pressed on (only a page of this site)."""
    on = request.POST.get("large_print") == "on"
    request.session[SESSION_KEY] = on
    target = request.POST.get("next") or "/"
    own = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    if not own:
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        COOKIE,
        "1" if on else "0",
        max_age=int(REMEMBERED_FOR.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response
