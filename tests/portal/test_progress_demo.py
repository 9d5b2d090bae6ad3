"""The demo prints a reference and a phone or credit code for /progress/; both open their case there."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_demo_prints_lookups_that_open_their_cases_on_the_progress_page() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    examples = re.findall(r"/progress/ without an account: reference (\S+) with (\S+)", out.getvalue())
    assert len(examples) == 2  # a resident's case (by phone) and an enterprise's (by credit code)
    for reference, contact in examples:
        page = Client().post("/progress/", {"reference": reference, "contact": contact}).content.decode()
        assert 'data-testid="progress-state"' in page, reference
