"""Dates in forms are ISO in every language: Chromium's date input shows nothing for 2026/12/02, and a resident who
goes back to a step would see a blank date that saving erases."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _date_values(page: str) -> dict[str, str]:
    return {
        m.group("name"): m.group("value")
        for m in re.finditer(r'<input type="date" name="(?P<name>\w+)" value="(?P<value>[^"]*)"', page)
    }


def test_the_calculators_application_date_is_filled_in_iso_in_chinese() -> None:
    page = Client().get("/calculator/stable-job-refund/").content.decode()
    assert '<html lang="zh-Hans"' in page
    values = _date_values(page)
    assert values.get("application_date") == timezone.localdate().isoformat()


def test_a_resident_going_back_to_the_last_work_step_sees_the_date_saved(make_resident, draft_registration) -> None:
    user, _person = make_resident(registered_on=None)
    case = draft_registration(user)  # work ended 2019-01-15
    client = Client()
    client.force_login(user)
    page = client.get(f"/apply/services/unemployment-registration/{case.pk}/last-work/").content.decode()
    assert _date_values(page).get("work_ended_on") == "2019-01-15"
