"""A resident who reads Kazakh or Uyghur (Arabic script, right to left) switches the portal to their language with the
switcher, signs up on a phone, registers unemployment in 乌苏市 (clause （九）), is registered by a caseworker and
downloads the registration certificate, in Chinese and then printed bilingual (read back from the PDF).

On every page: the document is right to left in the chosen language, the page fits the 390×844 screen, axe finds no
serious violation, and no visible text is left in Chinese or English, apart from what the resident typed, the names
of places and offices (marked lang="zh-Hans" or listed below as proper nouns), and file-type abbreviations.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from portal import sms
from portal.roles import Role
from registry.models import County, UnemploymentRegistration
from subsidies.models import Case, CaseState
from tests.e2e.conftest import PHONE, pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Xinjiang-Tacheng-1"
LANGUAGES = [
    pytest.param("قازاقشا", "kk-Arab", "تىركەلدى", "تىركەلگەن", id="kazakh"),
    pytest.param("ئۇيغۇرچە", "ug", "تىزىملاندى", "تىزىملاتقان", id="uyghur"),
]
# Proper nouns: the county names in the county list and the plan's document number. File types and codes.
PROPER_NOUNS = [
    "塔城市",
    "乌苏市",
    "额敏县",
    "沙湾县",
    "沙湾市",
    "托里县",
    "裕民县",
    "和布克赛尔蒙古自治县",
    "塔行发〔2019〕16号",
]
LATIN_ALLOWED = {"PDF", "JPEG", "PNG", "MB", "QR", "SHA", "SY"}
HAN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

# Every text node of the page the reader perceives (screen-reader-only text included), and the labels of controls,
# except text inside an element marked as being in another language (the switcher's names, offices' addresses).
VISIBLE_TEXT = """() => {
  const root = document.documentElement;
  const own = (el) => { const marked = el.closest('[lang]'); return !marked || marked === root
    || marked.lang.toLowerCase() === root.lang.toLowerCase(); };
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    const text = walker.currentNode.textContent.trim();
    if (!text || !el || el.closest('script,style,noscript,template') || !own(el)) continue;
    texts.push(text);
  }
  for (const el of document.body.querySelectorAll('[placeholder],[aria-label],[title],img[alt]')) {
    if (!own(el)) continue;
    for (const name of ['placeholder', 'aria-label', 'title', 'alt']) {
      if (el.getAttribute(name)) texts.push(el.getAttribute(name));
    }
  }
  return texts;
}"""


def untranslated(page: Any, typed: list[str]) -> list[str]:
    """The texts on the page that still show Chinese or English words."""
    left = []
    for text in page.evaluate(VISIBLE_TEXT):
        rest = text
        for allowed in [*typed, *PROPER_NOUNS]:
            rest = rest.replace(allowed, "")
        words = set(LATIN_WORD.findall(rest)) - LATIN_ALLOWED
        if HAN.search(rest) or words:
            left.append(text)
    return left


def check_page(page: Any, lang: str, axe_clean: Any, typed: list[str]) -> None:
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [lang, "rtl"], page.url
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url
    left = untranslated(page, typed)
    assert left == [], f"{page.url}: {left}"
    axe_clean(page)


def primary_button_starts_at_the_right(page: Any) -> None:
    """Right to left, a form's button stands at the start of the line: the right edge, not the left."""
    box = page.locator("main form button[type=submit]").last.bounding_box()
    width = page.viewport_size["width"]
    assert box["x"] + box["width"] > width - 40, box
    assert box["x"] > 40 or box["width"] > width - 80, box


def submit(page: Any) -> None:
    page.locator("main form button[type=submit]").last.click()


@pytest.mark.parametrize(("switcher_name", "lang", "registered", "certified"), LANGUAGES)
def test_a_resident_registers_unemployment_in_their_own_language_right_to_left(  # type: ignore[no-untyped-def]
    browser, live_server, make_user, make_id_number, settings, tmp_path, axe_clean, sign_in_staff,
    switcher_name: str, lang: str, registered: str, certified: str,
) -> None:
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    sms.outbox.clear()
    number = make_id_number(date(1990, 5, 4), "F", "654201")  # 户口 in 塔城市, lives in 乌苏市
    wusu = County.objects.get(code="654202")
    caseworker = make_user(Role.COUNTY_CASEWORKER, county_code="654202", username="zhang.wei")
    name, address = "阿依古丽·努尔兰", "乌苏市虹桥街道 12 号"  # as on the ID card and the residence permit
    employer, occupation = "乌苏市示例商贸有限公司", "仓库管理员"
    typed = [name, address, employer, occupation, "新654202-2019-0001", "13912345678", "2500"]

    ctx = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
    foreign: list[str] = []  # the stylesheet and fonts come from the portal, never a CDN
    host = live_server.url.split("//", 1)[1]
    ctx.on("request", lambda request: None if host in request.url else foreign.append(request.url))
    page = ctx.new_page()
    page.goto("/")
    # A person switches the language as they would: the switcher's button in their own script.
    page.get_by_role("button", name=switcher_name).click()
    check_page(page, lang, axe_clean, typed)
    # The Arabic-script face of static/css/arabic-script.css is the one drawing the page.
    assert page.evaluate(
        "document.fonts.ready.then(() => [...document.fonts].some(f => f.family.includes('Portal Arabic')"
        " && f.status === 'loaded'))"
    )
    page.goto("/accounts/login/")
    check_page(page, lang, axe_clean, typed)
    page.locator("a[href='/accounts/signup/resident/']").click()
    check_page(page, lang, axe_clean, typed)
    primary_button_starts_at_the_right(page)
    page.fill("#id_name", name)
    page.fill("#id_id_number", number)
    page.select_option("#id_residence_county", str(wusu.pk))
    page.fill("#id_phone", "13912345678")
    page.fill("#id_password", PASSWORD)
    submit(page)
    assert page.url.endswith("/accounts/signup/resident/confirm/")
    check_page(page, lang, axe_clean, typed)
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    page.fill("#id_code", code)
    page.locator("main form button[type=submit]").first.click()

    page.goto("/apply/services/")
    check_page(page, lang, axe_clean, typed)
    page.locator("a[href='/apply/services/unemployment-registration/']").first.click()
    check_page(page, lang, axe_clean, typed)
    submit(page)
    check_page(page, lang, axe_clean, typed)  # where you live
    page.select_option("#id_residence_county", str(wusu.pk))
    page.fill("#id_address", address)
    page.locator("main form button[type=submit]").first.click()
    assert page.locator("#id_residence_permit_error").is_visible()
    check_page(page, lang, axe_clean, typed)  # the error, in the reader's language
    page.fill("#id_residence_permit", "新654202-2019-0001")
    page.locator("main form button[type=submit]").first.click()
    check_page(page, lang, axe_clean, typed)  # able and wanting to work
    primary_button_starts_at_the_right(page)
    assert page.locator("main a.link-secondary").first.inner_text().startswith("→")  # "back" points right
    page.check("#id_able_and_willing")
    page.locator("main form button[type=submit]").first.click()
    check_page(page, lang, axe_clean, typed)  # your last work
    page.check("input[name=work_end_reason][value=contract_ended]")
    page.fill("#id_last_employer", employer)
    page.fill("#id_work_ended_on", "2019-01-31")
    page.locator("main form button[type=submit]").first.click()
    check_page(page, lang, axe_clean, typed)  # the work you want
    page.fill("#id_occupation", occupation)
    page.fill("#id_expected_wage", "2500")
    page.locator("main form button[type=submit]").first.click()
    assert "/check/" in page.url
    check_page(page, lang, axe_clean, typed)
    submit(page)
    reference = page.locator("[data-testid=reference]").inner_text()
    assert reference.startswith("SY-654202-")
    check_page(page, lang, axe_clean, [*typed, reference])
    case = Case.objects.get(reference=reference)
    assert case.state == CaseState.SUBMITTED

    staff_ctx = browser.new_context(base_url=live_server.url, locale="zh-CN")
    staff = staff_ctx.new_page()
    staff.goto("/accounts/login/")
    sign_in_staff(staff, caseworker.username)
    staff.goto(f"/workbench/cases/{case.pk}/")
    staff.locator("form[action$='/claim/'] button").click()
    staff.locator("form[action$='/approve/'] button[type=submit]").click()
    staff_ctx.close()
    registration = UnemploymentRegistration.objects.get(person=case.person)
    assert registration.residence_county == wusu

    page.goto("/apply/services/")
    assert page.locator("[data-testid=registration-state]").inner_text() == registered
    check_page(page, lang, axe_clean, [*typed, reference])
    text = pdf_text(page, page.locator("main a[download]").first)
    assert "阿依古丽" in text and registration.person.id_number_masked in text
    # The certificate printed in Chinese and the reader's language, read back: both texts are there.
    bilingual = pdf_text(page, page.locator("[data-testid=bilingual-certificate]").first)
    assert certified in bilingual and "失业登记" in bilingual and registration.person.id_number_masked in bilingual
    page.goto(f"/apply/services/cases/{case.pk}/")  # the case: its state, timeline, the rating it asks for
    check_page(page, lang, axe_clean, [*typed, reference])
    ctx.close()
    assert [u for u in foreign if not u.startswith(("data:", "about:"))] == []
