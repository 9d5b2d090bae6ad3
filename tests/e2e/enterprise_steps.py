"""Steps several enterprise journeys share in the browser: the clerk signing in, and a prefecture officer publishing
the approved cases on a list for public notice (公示) and finalising it once the period is over."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from subsidies.models import Case, CaseState, NoticeListState, PublicNotice
from tests.conftest import TEST_PASSWORD


def sign_in_clerk(page: Any, username: str) -> None:
    """On the sign-in page, the enterprise's clerk types their user name and password."""
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").last.click()


def publish_and_finalise(desk: Any, case: Case, *, title: str, kind: str = "") -> PublicNotice:
    """The officer (desk, signed in) builds the list of `kind` with the case on it and publishes it today; the period
    is then moved into the past (nobody waits a week) and the officer finalises the list: the case is final."""
    desk.goto("/workbench/notices/")
    if kind:
        desk.select_option("select[name=kind]", kind)
    desk.locator("input[name=title]").fill(title)
    desk.locator("form[method=get] button[type=submit]").click()
    assert case.reference in desk.locator("main").inner_text()
    desk.locator("form[action='/workbench/notices/publish/'] button[type=submit]").click()
    notice = PublicNotice.objects.get(title=title)
    assert notice.state == NoticeListState.PUBLISHED
    past = timezone.localdate() - timedelta(days=14)
    PublicNotice.objects.filter(pk=notice.pk).update(starts_on=past, ends_on=past + timedelta(days=6))
    desk.goto(f"/workbench/notices/{notice.pk}/")
    desk.locator(f"form[action='/workbench/notices/{notice.pk}/finalise/'] button").click()
    case.refresh_from_db()
    assert case.state == CaseState.FINAL
    return notice
