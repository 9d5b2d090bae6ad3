from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from portal.models import ServiceOffice

FOOTER_CACHE_KEY = "portal:footer-offices:v1"


def portal(request: HttpRequest) -> dict[str, object]:
    """The footer's service offices and complaints phone (clause （十四）), cached briefly."""
    offices = cache.get(FOOTER_CACHE_KEY)
    if offices is None:
        offices = list(ServiceOffice.objects.select_related("county").all())
        cache.set(FOOTER_CACHE_KEY, offices, 300)
    return {"service_offices": offices}
