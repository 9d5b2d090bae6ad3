"""The suite's own HTML check finds a form inside a form, and only that."""

from __future__ import annotations

from django.conf import settings

from tests.html_checks import nested_forms


def test_it_finds_a_form_inside_a_form() -> None:
    page = (
        '<form id="step"><input name="a">'  # 32 characters: the inner form opens at column 32
        '<form action="/remove"><button>删除</button></form><button>保存</button></form>'
    )
    assert nested_forms(page) == [(1, 32)]  # the inner form, where it opens


def test_forms_side_by_side_and_buttons_pointing_at_another_form_pass() -> None:
    page = (
        '<form id="step"><button form="remove-1">删除</button><button>保存</button></form>'
        '<form id="remove-1" action="/remove" method="post" hidden></form>'
    )
    assert nested_forms(page) == []


def test_the_suite_runs_the_check_on_every_page() -> None:
    assert "tests.html_checks.NoNestedFormsMiddleware" in settings.MIDDLEWARE
