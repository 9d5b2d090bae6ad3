"""Documents: amounts in 大写, the approval notice read back in Chinese, the restrictive fetcher, escaping, masking."""

from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from portal.roles import Role
from registry.services import person_register, registration_open
from subsidies import documents
from subsidies.cases import workflow
from subsidies.documents import FetchRefused, amount_in_chinese_capitals, portal_url_fetcher

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def pdf_text_pypdf(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def pdf_text_poppler(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "notice-poppler.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, timeout=60
    ).stdout.decode()


def page_one_png(pdf: bytes, name: str) -> Path:
    """Page 1 as PNG under tests/artifacts/ (git-ignored), for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(source), str(ARTIFACTS / name)],
        check=True,
        timeout=60,
    )
    return ARTIFACTS / f"{name}.png"


def squeeze(text: str) -> str:
    """Text extraction puts spaces and line breaks where the layout has them: compare without whitespace."""
    return "".join(text.split())


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("24000.00", "贰万肆仟元整"),
        ("1386.50", "壹仟叁佰捌拾陆元伍角"),
        ("1386.05", "壹仟叁佰捌拾陆元零伍分"),
        ("1386.55", "壹仟叁佰捌拾陆元伍角伍分"),
        ("0", "零元整"),
        ("0.05", "伍分"),
        ("0.50", "伍角"),
        ("10", "壹拾元整"),
        ("15", "壹拾伍元整"),
        ("101", "壹佰零壹元整"),
        ("1010", "壹仟零壹拾元整"),
        ("1001", "壹仟零壹元整"),
        ("100005", "壹拾万零伍元整"),
        ("100100", "壹拾万零壹佰元整"),
        ("1000000", "壹佰万元整"),
        ("3000000", "叁佰万元整"),
        ("150000", "壹拾伍万元整"),
        ("10010000", "壹仟零壹万元整"),
        ("100000005", "壹亿零伍元整"),
        ("100010000", "壹亿零壹万元整"),
        ("123456789.12", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"),
        ("1386.005", "壹仟叁佰捌拾陆元零壹分"),  # rounded half up to the fen first
    ],
)
def test_amount_in_chinese_capitals(amount: str, words: str) -> None:
    assert amount_in_chinese_capitals(Decimal(amount)) == words


def test_a_negative_amount_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        amount_in_chinese_capitals(Decimal("-1"))


_VALUE = dict(zip("零壹贰叁肆伍陆柒捌玖", range(10), strict=True))
_UNIT = {"拾": 10, "佰": 100, "仟": 1000}


def _read_capitals(words: str) -> Decimal:
    """An independent reader of 大写, to check the writer on many amounts."""
    yuan_part, _sep, rest = words.partition("元") if "元" in words else ("", "", words)
    total, section, digit = 0, 0, 0
    for ch in yuan_part.replace("万亿", "兆"):
        if ch in _VALUE:
            digit = _VALUE[ch]
        elif ch in _UNIT:
            section += digit * _UNIT[ch]
            digit = 0
        elif ch in "万亿兆":
            scale = {"万": 10**4, "亿": 10**8, "兆": 10**12}[ch]
            total = (total + section + digit) * scale if scale > 10**4 and total else total + (section + digit) * scale
            section = digit = 0
    total += section + digit
    cents = Decimal(total)
    jiao = rest.split("角")[0][-1:] if "角" in rest else ""
    fen = rest.split("分")[0][-1:] if "分" in rest else ""
    cents += Decimal(_VALUE.get(jiao, 0)) / 10 + Decimal(_VALUE.get(fen, 0)) / 100
    return cents


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=99_999_999_99))
def test_capitals_read_back_to_the_same_amount(cents: int) -> None:
    amount = Decimal(cents) / 100
    words = amount_in_chinese_capitals(amount)
    assert _read_capitals(words) == amount, words
    assert words.endswith(("整", "角", "分"))
    assert "零零" not in words


def test_the_fetcher_refuses_other_hosts_and_files_outside_static() -> None:
    fetcher = portal_url_fetcher()
    for url in [
        "http://example.com/logo.png",
        "https://example.com/static/css/portal.css",
        "https://portal.invalid/media/notices/x.pdf",
        "file:///etc/passwd",
        "https://portal.invalid/static/../../etc/passwd",
    ]:
        with pytest.raises((FetchRefused, ValueError)):
            fetcher.fetch(url)


def test_the_fetcher_serves_the_portals_own_static_files_and_data_uris() -> None:
    fetcher = portal_url_fetcher()
    css = fetcher.fetch(documents.DOCUMENT_BASE_URL + "static/css/portal.css")
    assert css.content_type == "text/css"
    assert css.read()
    assert fetcher.fetch("data:text/plain;base64,5aGU5Z+O").read().decode() == "塔城"


def test_a_document_never_reaches_another_host() -> None:
    import socket

    from weasyprint import HTML

    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    html = (
        f'<img src="http://127.0.0.1:{port}/x.png"><link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">'
        f'<p style="background: url(http://127.0.0.1:{port}/bg.png)">塔城</p>'
    )
    pdf = HTML(string=html, base_url=documents.DOCUMENT_BASE_URL, url_fetcher=portal_url_fetcher()).write_pdf()
    assert pdf.startswith(b"%PDF")
    with pytest.raises(TimeoutError):
        listener.accept()  # nobody knocked
    listener.close()


@pytest.mark.django_db
def test_the_approval_notice_reads_back_in_chinese_with_amount_clause_and_reference(
    make_user, caseworker, officer, tmp_path, approve_refund
) -> None:
    # Clause （一）: the notice states the enterprise, its code, the amount in figures and in capitals, the clause.
    case = approve_refund(make_user(Role.ENTERPRISE_APPLICANT), caseworker, officer)
    pdf = documents.approval_notice(case=case, verification_code="ABCDEFGHJK", issued_on=date(2019, 6, 3))
    assert pdf.startswith(b"%PDF")
    expected = [
        case.enterprise.name,
        "91654201312345673Q",
        "¥24,000.00",
        "贰万肆仟元整",
        "塔行发〔2019〕16号（一）",
        "WG-654201-2019-000001",
        "塔城市",
        "2019年6月3日",
        "ABCDEFGHJK",
    ]
    for text in (pdf_text_pypdf(pdf, tmp_path), pdf_text_poppler(pdf, tmp_path)):
        flat = squeeze(text)
        for wanted in expected:
            assert squeeze(wanted) in flat, wanted
        # No missing glyph: no replacement character, no .notdef box.
        assert "\ufffd" not in text and "□" not in text
    png = page_one_png(pdf, "approval_notice")
    assert png.exists() and png.stat().st_size > 10_000


@pytest.mark.django_db
def test_一_an_overridden_refund_notice_shows_every_line_and_both_amounts_without_contradiction(
    make_user, caseworker, officer, tmp_path, make_enterprise, submit_refund
) -> None:
    """（一） The notice explains the calculation (the premiums and the months paid, not only the clause's lines) and,
    when the amount approved differs, names the calculated amount as such beside the approved one and the reason."""
    applicant = make_user(Role.ENTERPRISE_APPLICANT)
    case = submit_refund(applicant, make_enterprise(officer))
    workflow.case_take(case=case, actor=caseworker)
    case = workflow.case_approve(
        case=case, actor=caseworker, amount=Decimal("40000.00"), override_reason="补缴的12月保费已核实入账"
    )
    pdf = documents.approval_notice(case=case, verification_code="ABCDEFGHJK", issued_on=date(2019, 6, 3))
    flat = squeeze(pdf_text_poppler(pdf, tmp_path))
    for wanted in ["¥40,000.00", "肆万元整", "测算金额", "¥24,000.00", "¥48,000.00", "补缴的12月保费已核实入账"]:
        assert squeeze(wanted) in flat, wanted
    # Money is written one way on the notice: the premiums of the calculation too, never as a bare 48000.00.
    assert "48000.00" not in flat
    assert squeeze("上年度实际缴纳的失业保险费") in flat or squeeze("企业及职工上年度实际缴纳的失业保险费") in flat


@pytest.mark.django_db
def test_the_same_approval_notice_renders_to_the_same_bytes(make_user, caseworker, officer, approve_refund) -> None:
    case = approve_refund(make_user(Role.ENTERPRISE_APPLICANT), caseworker, officer)
    first = documents.approval_notice(case=case, verification_code="ABCDEFGHJK", issued_on=date(2019, 6, 3))
    again = documents.approval_notice(case=case, verification_code="ABCDEFGHJK", issued_on=date(2019, 6, 3))
    assert first == again


@pytest.mark.django_db
def test_applicant_text_is_printed_as_text_not_markup(
    make_user, caseworker, officer, tmp_path, make_enterprise, submit_refund
) -> None:
    from subsidies.cases import workflow

    case = submit_refund(make_user(Role.ENTERPRISE_APPLICANT), make_enterprise(officer))
    workflow.case_take(case=case, actor=caseworker)
    case = workflow.case_reject(
        case=case, actor=caseworker, reason='<img src="http://example.com/x.png">资料不全 & <b>缺少</b>'
    )
    html = documents.render_document_html(
        "subsidies/pdf/rejection_notice.html",
        {"case": case, "reasons": case.decision_reason, "reference": case.reference},
    )
    assert "&lt;img" in html and '<img src="http://example.com' not in html
    pdf = documents.rejection_notice(case=case, verification_code="ABCDEFGHJK", issued_on=date(2019, 6, 3))
    flat = squeeze(pdf_text_poppler(pdf, tmp_path))
    assert squeeze('<img src="http://example.com/x.png">资料不全') in flat
    # How to appeal: administrative reconsideration within 60 days, lawsuit within 6 months.
    assert "行政复议" in flat and "60" in flat and "行政诉讼" in flat


@pytest.mark.django_db
def test_the_registration_certificate_shows_the_id_number_masked(officer, tmp_path) -> None:
    from registry.models import County

    tacheng = County.objects.get(code="654201")
    person = person_register(
        name="阿依古丽·买买提", id_number="654201198503150018", residence_county=tacheng, actor=officer
    )
    registration = registration_open(
        person=person, residence_county=tacheng, registered_on=date(2019, 3, 1), actor=officer
    )
    pdf = documents.registration_certificate(
        registration=registration, verification_code="ABCDEFGHJK", issued_on=date(2019, 3, 1)
    )
    flat = squeeze(pdf_text_poppler(pdf, tmp_path))
    assert "654201********0018" in flat
    assert "654201198503150018" not in flat
    assert "阿依古丽·买买提" in flat
    assert "塔行发〔2019〕16号（九）" in flat
