"""A check the whole suite runs on every HTML page it renders: no <form> inside another <form>.

A nested form is invalid HTML: the browser drops the inner form tag, so the inner button submits the outer form
(a resident's "删除" once saved the step instead of deleting the file, and "保存并继续" did nothing). The suite adds
this middleware in tests/conftest.py; it is not part of the portal's settings.
"""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

from django.http import HttpRequest, HttpResponse


class _FormNesting(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.nested: list[tuple[int, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "form":
            if self.depth:
                self.nested.append(self.getpos())
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.depth:
            self.depth -= 1


def nested_forms(html: str) -> list[tuple[int, int]]:
    """(line, column) of every <form> that opens inside another."""
    parser = _FormNesting()
    parser.feed(html)
    return parser.nested


class NoNestedFormsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html") and not getattr(response, "streaming", False):
            where = nested_forms(response.content.decode(response.charset or "utf-8", errors="replace"))
            if where:
                raise AssertionError(f"{request.path}: a <form> inside another <form> at {where}")
        return response
