"""Large print (适老化, issue 18 point 5) on the resident's unemployment registration (clause （九）), walked on a
390×844 phone: the path of test_resident_upload_and_certificate.py from the home page through sign-in to the
confirmation, once in each mode. On every page axe finds no serious violation and every target is measured by its
bounding box (at least 24×24 px; primary actions at least 44 px high). In large-print mode the switch is pressed on
the home page, before signing in, and holds on every page after it."""

from __future__ import annotations

import pytest

from registry.models import County
from subsidies.models import Case, CaseState
from tests.conftest import RESIDENT_PASSWORD
from tests.e2e.conftest import PHONE
from tests.e2e.test_resident_upload_and_certificate import PDF, save_and_continue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("large", [True, False], ids=["large-print", "standard"])
def test_a_resident_registers_in_each_print_mode_with_targets_of_wcag_size(  # type: ignore[no-untyped-def]
    browser, live_server, make_resident, settings, tmp_path, axe_clean, targets_large_enough, large
) -> None:
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    user, person = make_resident("654201198503150018", name="古丽娜尔·艾力", registered_on=None)
    wusu = County.objects.get(code="654202")
    ctx = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
    page = ctx.new_page()
    pages: list[str] = []

    def check_page() -> None:
        page.wait_for_load_state()
        assert page.evaluate("document.body.classList.contains('large-print')") is large, page.url
        switch = page.get_by_role("button", name="大字版")
        assert switch.get_attribute("aria-pressed") == ("true" if large else "false")
        axe_clean(page)
        targets_large_enough(page)
        pages.append(page.url)

    page.goto("/")
    if large:
        standard_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        page.get_by_role("button", name="大字版").click()
        # Text is larger and the page is one column: the home page's cards stand one under the other, full width.
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= standard_size * 1.3
        widths = page.locator("main section.card, main section").evaluate_all(
            "els => els.map(e => Math.round(e.getBoundingClientRect().width))"
        )
        assert len(set(widths)) == 1
        # Focus stays plainly visible: the keyboard's first stops get a thick ring.
        for _ in range(3):
            page.keyboard.press("Tab")
            ring = page.evaluate(
                "(() => { const s = getComputedStyle(document.activeElement);"
                " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
            )
            assert ring[0] == "solid" and ring[1] >= 3, ring
    check_page()

    page.get_by_role("link", name="登录").first.click()
    check_page()
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(RESIDENT_PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.goto("/apply/services/")
    check_page()  # remembered after signing in

    page.locator("a[href='/apply/services/unemployment-registration/']").first.click()
    check_page()
    page.locator("main form button[type=submit]").first.click()  # start
    check_page()
    page.select_option("#id_residence_county", str(wusu.pk))
    page.fill("#id_address", "乌苏市虹桥街道 12 号")
    page.set_input_files(
        "#id_residence_document", files=[{"name": "居住证明.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    save_and_continue(page)
    check_page()  # able to work
    page.check("#id_able_and_willing")
    save_and_continue(page)
    check_page()  # how the last work ended
    page.check("input[name=work_end_reason][value=contract_ended]")
    page.fill("#id_work_ended_on", "2026-10-31")
    save_and_continue(page)
    check_page()  # occupation
    page.fill("#id_occupation", "仓库管理员")
    save_and_continue(page)
    assert "/check/" in page.url
    check_page()
    page.get_by_role("button", name="提交申请").click()
    check_page()  # the confirmation with the reference number
    case = Case.objects.get(person=person)
    assert case.state == CaseState.SUBMITTED
    assert case.reference in page.content()

    # The progress lookup, without an account, in the same mode.
    page.get_by_role("button", name="退出登录").click()
    page.goto("/progress/")
    check_page()
    page.get_by_label("受理编号").fill(case.reference)
    page.get_by_label("手机号码或统一社会信用代码").fill(user.phone)
    page.get_by_role("button", name="查询进度").click()
    assert case.reference in page.locator("[data-testid=progress-summary]").inner_text()
    check_page()
    assert len(pages) == 12
    ctx.close()
