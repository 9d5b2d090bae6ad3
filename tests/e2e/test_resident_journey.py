"""A resident on a phone signs up (code read from the development sender's outbox), registers unemployment in 乌苏市
with a household registration in 塔城市, a 乌苏市 caseworker registers it with TOTP, the resident sees "registered";
then, a woman of 46, asks for recognition as an employment-difficult person and is recognised.

Headless Chromium at a phone-sized viewport against the live server (same process: portal.sms.outbox is shared).
Every resident page is checked with axe (no serious or critical violation).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone

from portal import sms
from portal.roles import Role
from registry.models import County, UnemploymentRegistration
from subsidies.models import Case, CaseKind, CaseState
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Xinjiang-Tacheng-1"


def submit(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("main form button[type=submit]").first.click()


def fits_the_screen(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def context(browser, live_server, **extra):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(base_url=live_server.url, locale="zh-CN", **extra)
    foreign: list[str] = []
    host = live_server.url.split("//", 1)[1]
    ctx.on("request", lambda request: None if host in request.url else foreign.append(request.url))
    return ctx, foreign


def caseworker_signs_in(browser, live_server, user, sign_in_staff):  # type: ignore[no-untyped-def]
    ctx, _foreign = context(browser, live_server)
    page = ctx.new_page()
    page.goto("/accounts/login/")
    sign_in_staff(page, user.username)
    return ctx, page


def decide(page, case: Case, action: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/workbench/cases/{case.pk}/")
    page.locator("form[action$='/claim/'] button").click()
    page.locator(f"form[action$='/{action}/'] button[type=submit]").click()


def test_a_resident_registers_on_a_phone_is_registered_and_recognised(  # type: ignore[no-untyped-def]
    browser, live_server, make_user, settings, tmp_path, make_id_number, axe_clean, sign_in_staff
) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    sms.outbox.clear()
    today = timezone.localdate()
    number = make_id_number(date(today.year - 46, 1, 1), "F", "654201")  # a woman of 46, 户口 in 塔城市
    wusu = County.objects.get(code="654202")
    caseworker = make_user(Role.COUNTY_CASEWORKER, county_code="654202", username="zhang.wei")

    ctx, foreign = context(browser, live_server, **PHONE)
    page = ctx.new_page()
    page.goto("/accounts/signup/resident/")
    axe_clean(page)
    page.fill("#id_name", "古丽娜尔·艾力")
    page.fill("#id_id_number", number)
    page.select_option("#id_residence_county", str(wusu.pk))
    page.fill("#id_phone", "13912345678")
    page.fill("#id_password", PASSWORD)
    submit(page)
    assert page.url.endswith("/accounts/signup/resident/confirm/")
    axe_clean(page)
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    page.fill("#id_code", code)
    submit(page)

    page.goto("/apply/services/")
    fits_the_screen(page)
    axe_clean(page)
    page.locator("a[href='/apply/services/unemployment-registration/']").first.click()
    axe_clean(page)
    submit(page)
    # Where you live: 乌苏市, 户口 elsewhere, so the residence permit number is asked for.
    page.select_option("#id_residence_county", str(wusu.pk))
    page.fill("#id_address", "乌苏市虹桥街道 12 号")
    submit(page)
    assert page.locator("#id_residence_permit_error").is_visible()
    axe_clean(page)
    page.fill("#id_residence_permit", "新654202-2019-0001")
    submit(page)
    fits_the_screen(page)
    axe_clean(page)
    page.check("#id_able_and_willing")
    submit(page)
    axe_clean(page)
    page.check("input[name=work_end_reason][value=contract_ended]")
    page.fill("#id_last_employer", "乌苏市示例商贸有限公司")
    page.fill("#id_work_ended_on", "2019-01-31")
    submit(page)
    axe_clean(page)
    page.fill("#id_occupation", "仓库管理员")
    page.fill("#id_expected_wage", "2500")
    submit(page)
    assert "/check/" in page.url
    fits_the_screen(page)
    axe_clean(page)
    submit(page)
    reference = page.locator("[data-testid=reference]").inner_text()
    assert reference.startswith("SY-654202-")
    axe_clean(page)
    case = Case.objects.get(reference=reference)
    assert case.state == CaseState.SUBMITTED
    page.goto(f"/apply/services/cases/{case.pk}/")
    axe_clean(page)

    staff_ctx, staff = caseworker_signs_in(browser, live_server, caseworker, sign_in_staff)
    decide(staff, case, "approve")
    assert UnemploymentRegistration.objects.get(person=case.person).residence_county == wusu

    page.goto("/apply/services/")
    assert page.locator("[data-testid=registration-state]").inner_text() == "已登记"
    axe_clean(page)

    page.locator("a[href='/apply/services/difficulty-recognition/']").first.click()
    axe_clean(page)
    submit(page)
    assert page.is_checked("input[name=categories][value=older_worker]")
    axe_clean(page)
    submit(page)
    axe_clean(page)  # nothing to upload: the registry proves the age
    submit(page)
    page.check("#id_declaration")
    axe_clean(page)
    submit(page)
    axe_clean(page)
    submit(page)
    recognition = Case.objects.get(kind=CaseKind.DIFFICULTY_RECOGNITION)
    assert page.locator("[data-testid=reference]").inner_text() == recognition.reference

    decide(staff, recognition, "recognise")
    staff_ctx.close()
    page.goto("/apply/services/")
    assert page.locator("[data-testid=recognition-state]").inner_text() == "已认定"
    axe_clean(page)
    page.goto(f"/apply/services/cases/{recognition.pk}/")
    axe_clean(page)
    assert case.person.difficulty_recognitions.get().categories == ["older_worker"]
    ctx.close()
    assert [u for u in foreign if not u.startswith(("data:", "about:"))] == []
