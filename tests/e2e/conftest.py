"""Headless Chromium (Debian's package) driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import io
import os
import shutil
import struct
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from tests.conftest import TEST_PASSWORD

# Playwright's sync API runs an event loop in this thread; the test's ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is not installed (make test installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    foreign: list[str] = []
    host = live_server.url.split("//", 1)[1]
    page.on("request", lambda request: None if host in request.url else foreign.append(request.url))
    yield page
    context.close()
    # Nothing the pages asked for came from another host (the portal runs on an intranet).
    assert [u for u in foreign if not u.startswith(("data:", "about:"))] == []


@pytest.fixture(scope="session")
def axe_clean() -> Callable[[Any], None]:
    """axe_clean(page): axe finds no serious or critical violation on the page (its report is the failure message).
    (A form inside a form is caught earlier, in the HTML the live server sends: tests/html_checks.py.)"""

    def check(page: Any) -> None:
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(page)
        serious = [v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]
        assert serious == [], results.generate_report()

    return check


@pytest.fixture
def sign_in_staff() -> Callable[[Any, str], None]:
    """sign_in_staff(page, username): on the sign-in page, a staff member types their password, then the code their
    authenticator app shows."""

    def sign_in(page: Any, username: str) -> None:
        device = TOTPDevice.objects.get(user__username=username)
        page.get_by_label("手机号、身份证号或用户名").fill(username)
        page.get_by_label("密码").fill(TEST_PASSWORD)
        page.get_by_role("button", name="登录").last.click()
        page.get_by_label("身份验证器应用显示的六位验证码").fill(f"{totp(device.bin_key):06d}")
        page.get_by_role("button", name="继续").click()

    return sign_in


# A resident's phone: the viewport every resident journey is walked at.
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
# An enterprise clerk's laptop: the viewport every enterprise journey is walked at.
LAPTOP = {"viewport": {"width": 1366, "height": 768}}


def png_bytes() -> bytes:
    """A real 1×1 PNG, made here (an upload checked by its content takes it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


def pdf_text(page: Any, link: Any) -> str:
    """Click a download link as a person does and return the text of the PDF the browser saved."""
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as saved:
        content = saved.read()
    assert content.startswith(b"%PDF"), download.value.suggested_filename
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


# WCAG 2.2 AA target size (2.5.8): every interactive target at least 24×24 CSS px; the portal's own rule adds 44 px
# height for primary actions (submit buttons and primary buttons in the page). Links inside a sentence are exempt
# (2.5.8's inline exception), as are visually hidden controls until focused (the skip link). A checkbox or radio
# counts with its label, which clicks it too.
_TARGETS_JS = """() => {
  const primary = 'main .btn-primary, main button[type=submit]:not(.btn-sm):not(.btn-link), main input[type=submit]';
  const out = [];
  const seen = new Set();
  const interactive = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], '
    + '[tabindex]:not([tabindex="-1"])';
  for (const el of document.querySelectorAll(interactive)) {
    if (seen.has(el)) continue;
    seen.add(el);
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || el.getClientRects().length === 0) continue;
    let r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;  // visually hidden until focused
    if (el.tagName === 'A' && !el.classList.contains('btn') && style.display === 'inline') {
      const block = el.parentElement;
      if (block && block.textContent.trim().length > el.textContent.trim().length) continue;  // inside a sentence
    }
    if (el.type === 'checkbox' || el.type === 'radio') {
      const label = el.id && document.querySelector('label[for="' + el.id + '"]');
      if (label) {
        const l = label.getBoundingClientRect();
        const left = Math.min(r.left, l.left), top = Math.min(r.top, l.top);
        r = {width: Math.max(r.right, l.right) - left, height: Math.max(r.bottom, l.bottom) - top};
      }
    }
    const name = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || el.id || '')
      .trim().slice(0, 40);
    out.push({tag: el.tagName.toLowerCase(), name, width: r.width, height: r.height, primary: el.matches(primary)});
  }
  return out;
}"""


def target_size_failures(page: Any) -> list[str]:
    """The interactive targets of the page that are too small, measured with their bounding boxes; [] when none."""
    failures = []
    for target in page.evaluate(_TARGETS_JS):
        size = f"{target['tag']} “{target['name']}” {target['width']:.0f}×{target['height']:.0f}"
        if target["width"] < 24 or target["height"] < 24:
            failures.append(f"{size}: under 24×24")
        elif target["primary"] and target["height"] < 44:
            failures.append(f"{size}: a primary action under 44 px high")
    return failures


@pytest.fixture(scope="session")
def targets_large_enough() -> Callable[[Any], None]:
    """targets_large_enough(page): every target is at least 24×24 px and every primary action at least 44 px high."""

    def check(page: Any) -> None:
        failures = target_size_failures(page)
        assert failures == [], f"{page.url}:\n" + "\n".join(failures)

    return check
