"""{% large_print as large %}: whether this person chose large print (portal.views.public.large_print)."""

from __future__ import annotations

from django import template

from portal.views.public.large_print import large_print_on

register = template.Library()


@register.simple_tag(takes_context=True)
def large_print(context: template.Context) -> bool:
    request = context.get("request")
    return request is not None and large_print_on(request)
