"""免申即享 (clause （一）): the enterprise is offered its refund without applying, confirms it on one page at a laptop,
a caseworker approves it, a prefecture officer publishes it for public notice and finalises the list, and the clerk
downloads the approval notice from the case's timeline and reads the amount. axe-checked on every page the clerk
passes; only clicks a person makes.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from portal.models import EnterpriseMembership
from portal.roles import Role
from subsidies.measures.m01_stable_job_refund import refund_offers_compute
from subsidies.models import Case, CaseState, RefundOffer
from tests.e2e.conftest import LAPTOP, pdf_text
from tests.e2e.enterprise_steps import publish_and_finalise, sign_in_clerk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_enterprise_confirms_its_offer_and_downloads_the_approval_notice(  # type: ignore[no-untyped-def]
    browser, live_server, make_user, make_enterprise, settings, tmp_path, axe_clean, sign_in_staff
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    officer = make_user(Role.PREFECTURE_OFFICER, username="zhao.min")
    ent = make_enterprise(officer)
    refund_offers_compute(year=2019, as_of=date(2019, 3, 1))  # the nightly run: 48,000.00 of premiums, half back
    offer = RefundOffer.objects.get(enterprise=ent, year=2019)
    clerk = make_user(Role.ENTERPRISE_APPLICANT, username="zhou.min")
    EnterpriseMembership.objects.create(user=clerk, enterprise=ent, email_confirmed_at=timezone.now())
    make_user(Role.COUNTY_CASEWORKER, county_code="654201", username="li.na")

    page = browser.new_context(base_url=live_server.url, locale="zh-CN", **LAPTOP).new_page()
    sign_in_clerk(page, clerk.username)
    page.goto("/apply/")
    axe_clean(page)
    page.locator(f"main a[href='/apply/offers/{offer.pk}/']").click()
    axe_clean(page)
    assert "¥24,000.00" in page.locator("main").inner_text()
    page.fill("#id_bank_name", "中国工商银行塔城分行")
    page.fill("#id_bank_account", "6222021234567890123")
    page.check("#id_declaration")
    page.get_by_role("button", name="确认并提交").click()
    axe_clean(page)  # confirmation
    case = Case.objects.get(enterprise=ent)
    assert case.state == CaseState.SUBMITTED and case.reference in page.locator("main").inner_text()

    worker = browser.new_context(base_url=live_server.url, locale="zh-CN", **LAPTOP).new_page()
    worker.goto("/accounts/login/")
    sign_in_staff(worker, "li.na")
    worker.goto(f"/workbench/cases/{case.pk}/")
    worker.locator("form[action$='/claim/'] button").click()
    worker.locator("form[action$='/approve/'] button[type=submit]").click()
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED and not case.amount_awaits_confirmation

    desk = browser.new_context(base_url=live_server.url, locale="zh-CN", **LAPTOP).new_page()
    desk.goto("/accounts/login/")
    sign_in_staff(desk, officer.username)
    publish_and_finalise(desk, case, title="2019年稳岗返还拟发放名单公示")

    page.goto("/apply/")
    axe_clean(page)
    page.locator(f"main a[href='/apply/cases/{case.pk}/']").click()
    axe_clean(page)
    text = pdf_text(page, page.locator("#timeline ~ ol a[href^='/apply/notices/']").first)
    assert ent.name in text and "¥24,000.00" in text and "贰万肆仟元整" in text
    for p in (page, worker, desk):
        p.context.close()
