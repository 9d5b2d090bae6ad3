"""好差评 on a phone: a resident whose unemployment registration was decided opens it from "my services", rates the
service 不满意 under the timeline with a comment, and sees the rating and the day by which the office will contact
them, the form gone. Clicks only what a person clicks, at 390×844, axe-checked on each page."""

from __future__ import annotations

import pytest

from subsidies.cases import workflow
from subsidies.models import FollowUp, Rating
from tests.conftest import RESIDENT_PASSWORD
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_resident_rates_the_decided_registration_from_the_timeline_on_a_phone(  # type: ignore[no-untyped-def]
    browser, live_server, make_person, make_resident_user, submit_registration, caseworker_wusu, axe_clean
) -> None:
    user = make_resident_user(make_person())
    case = submit_registration(user)
    workflow.case_take(case=case, actor=caseworker_wusu)
    workflow.case_approve(case=case, actor=caseworker_wusu)

    ctx = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
    page = ctx.new_page()
    page.goto("/apply/services/")
    page.get_by_label("手机号、身份证号或用户名").fill(user.username)
    page.get_by_label("密码").fill(RESIDENT_PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    assert page.url.endswith("/apply/services/")

    page.get_by_test_id("case-row").get_by_role("link", name="失业登记").first.click()
    rating = page.get_by_test_id("rating-panel")
    assert "评价本次服务" in rating.inner_text()
    axe_clean(page)

    page.get_by_label("不满意", exact=True).check()
    page.get_by_label("意见和建议（选填）").fill("窗口等候时间太长")
    page.get_by_role("button", name="提交评价").click()

    assert "感谢您的评价" in page.content()
    panel = page.get_by_test_id("rating-panel")
    assert "您的评价：不满意" in panel.inner_text()
    follow_up = FollowUp.objects.get(case=case)
    assert f"{follow_up.due_on:%Y-%m-%d} 前与您联系" in panel.get_by_test_id("follow-up-open").inner_text()
    assert panel.get_by_role("button", name="提交评价").count() == 0
    axe_clean(page)
    assert Rating.objects.filter(case=case).count() == 1
    ctx.close()
