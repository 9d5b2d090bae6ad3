"""Documents: one function per document, each returning the PDF bytes rendered from templates/subsidies/pdf/.

Official notices are issued in Chinese whatever the reader's language, on A4, laid out as a notice: title,
reference number, addressee, body, issuing office and date, a seal box (no seal image), a QR code and a short
code for /verify/<code>/. WeasyPrint fetches nothing from the network: `portal_url_fetcher` serves only the
portal's own static files and data: URIs (the QR code), everything else is refused. Applicant text is escaped by
Django's template autoescape. ID numbers appear masked only.
"""

from __future__ import annotations

import atexit
import gc
import logging
import mimetypes
import os
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from registry.models import UnemploymentRegistration
from subsidies import pdf_fonts
from subsidies.calculators.base import clause
from subsidies.cases.rules import kinds_where, rules_for
from subsidies.models import Case, CaseKind, PublicNotice, Track
from subsidies.parameters import ParameterNotInForce, value_in_force

logger = logging.getLogger(__name__)

# The document's own origin: relative URLs in a PDF template resolve against it, and the fetcher maps it to
# the static files on disk. It is never contacted.
DOCUMENT_BASE_URL = "https://portal.invalid/"
DOCUMENT_LANGUAGE = "zh-hans"
REFUND_CLAUSE = "塔行发〔2019〕16号（一）"
REGISTRATION_CLAUSE = "塔行发〔2019〕16号（九）"

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ["", "拾", "佰", "仟"]
_SECTION_UNITS = ["", "万", "亿", "万亿"]


class FetchRefused(ValueError):
    """A PDF template asked for something outside the portal's static files."""


def amount_in_chinese_capitals(amount: Decimal) -> str:
    """An amount in yuan in Chinese capital numerals (大写), as on a cheque or an official notice.

    24000.00 -> 贰万肆仟元整; 1386.50 -> 壹仟叁佰捌拾陆元伍角; 100005.00 -> 壹拾万零伍元整; 0.05 -> 伍分.
    Rounded to the fen (0.01) half up first. Negative amounts and amounts of 10^16 yuan or more are refused.
    """
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError("A notice never states a negative amount.")
    cents = int(amount * 100)
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    if yuan >= 10**16:
        raise ValueError("Amount too large.")
    words = _yuan_in_capitals(yuan)
    if yuan == 0 and (jiao or fen):
        words = ""
    else:
        words += "元"
    if not jiao and not fen:
        return words + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += _DIGITS[fen] + "分"
    return words


def _section_in_capitals(section: int) -> str:
    """0 < section < 10000, without leading zero."""
    out = ""
    pending_zero = False
    for position in range(3, -1, -1):
        digit = section // 10**position % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += _DIGITS[digit] + _SMALL_UNITS[position]
    return out


def _yuan_in_capitals(yuan: int) -> str:
    if yuan == 0:
        return "零"
    sections = []
    while yuan:
        yuan, section = divmod(yuan, 10000)
        sections.append(section)
    out = ""
    zero_between = False
    for index in range(len(sections) - 1, -1, -1):
        section = sections[index]
        if section == 0:
            zero_between = bool(out)
            continue
        if out and (zero_between or section < 1000):
            out += "零"
        out += _section_in_capitals(section) + _SECTION_UNITS[index]
        zero_between = False
    return out


def format_yuan(amount: Decimal) -> str:
    """24000 -> ¥24,000.00"""
    return f"¥{Decimal(amount).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


# --- Rendering ---------------------------------------------------------------------------------------------


def static_file_for(url: str) -> Path:
    """The portal's own static file a document URL names; anything else is refused."""
    parts = urlsplit(url)
    base = urlsplit(DOCUMENT_BASE_URL)
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(static_prefix):
        raise FetchRefused(f"Refused to fetch {url!r}: PDFs may use the portal's static files only.")
    relative = unquote(parts.path[len(static_prefix) :])
    if ".." in Path(relative).parts:
        raise FetchRefused(f"Refused to fetch {url!r}.")
    found = finders.find(relative)
    if not found:
        raise FetchRefused(f"No static file {relative!r}.")
    return Path(found if isinstance(found, str) else found[0])


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PortalURLFetcher(URLFetcher):
        """WeasyPrint's only window on the world: data: URIs (the QR code) and the portal's static files."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data", "https"}, allow_redirects=False, fail_on_errors=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_file_for(url)
            mime_type, _encoding = mimetypes.guess_type(path.name)
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": mime_type or "application/octet-stream"}
            )

    return PortalURLFetcher


def portal_url_fetcher() -> Any:
    return _fetcher_class()()


def document_stylesheet_text() -> str:
    """The notices' shared CSS: the font faces built by `make` (pdf_fonts), then templates/subsidies/pdf/notice.css.

    A face whose subset was never built is left out, and the stacks fall through to the full Debian font: the notice
    is the same, only larger."""
    faces = [
        f'@font-face {{ font-family: "{pdf_fonts.FAMILY}"; font-weight: {face.weight}; '
        f'src: url("{settings.STATIC_URL}{pdf_fonts.STATIC_PREFIX}{face.file_name}"); }}'
        for face in pdf_fonts.built_faces()
    ]
    if len(faces) < len(pdf_fonts.FACES):
        logger.warning("PDF fonts not built (make fonts): notices embed the full Noto CJK font and are larger.")
    return "\n".join([*faces, render_to_string("subsidies/pdf/notice.css")])


@dataclass(frozen=True)
class _Renderer:
    font_config: Any
    stylesheet: Any


# By process id. A forked child keeps its parent's entry untouched: dropping it there would delete the parent's
# temporary font files, which are on the same disk.
_renderers: dict[int, _Renderer] = {}


def renderer_release() -> None:
    """Let go of this process's font configuration, which deletes its temporary copies of the fonts (about 18 MB).

    Run at exit, and by a Celery pool child as it leaves (document_jobs), since a child ends with os._exit, past
    atexit."""
    _renderers.pop(os.getpid(), None)
    gc.collect()  # a render leaves the configuration in reference cycles (WeasyPrint's caches)


atexit.register(renderer_release)


def _renderer() -> _Renderer:
    """One FontConfiguration and one parsed stylesheet per process, made on first use.

    A FontConfiguration loads fontconfig's whole configuration and every @font-face it is given; made per render, it
    cost most of a render's time and memory. Keyed by process id: a forked pool child makes its own rather than
    share the parent's fontconfig and Pango state."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    pid = os.getpid()
    renderer = _renderers.get(pid)
    if renderer is None:
        font_config = FontConfiguration()
        stylesheet = CSS(
            string=document_stylesheet_text(),
            base_url=DOCUMENT_BASE_URL,
            url_fetcher=portal_url_fetcher(),
            font_config=font_config,
        )
        renderer = _renderers[pid] = _Renderer(font_config, stylesheet)
    return renderer


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a PDF template in Chinese with the restrictive fetcher. Same context -> same bytes.

    Fonts are subset (WeasyPrint's default, said here so that it stays so), the streams compressed."""
    from weasyprint import HTML

    renderer = _renderer()
    html = render_document_html(template, context)
    return HTML(string=html, base_url=DOCUMENT_BASE_URL, url_fetcher=portal_url_fetcher()).write_pdf(
        stylesheets=[renderer.stylesheet],
        font_config=renderer.font_config,
        full_fonts=False,
        hinting=False,
        uncompressed_pdf=False,
    )


def render_document_html(template: str, context: dict[str, Any]) -> str:
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string(template, context)


def verify_url(code: str) -> str:
    base = getattr(settings, "PORTAL_BASE_URL", "") or "http://127.0.0.1:8000"
    return f"{base.rstrip('/')}/verify/{code}/"


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=3, border=2)


def issuing_office(county: Any | None) -> str:
    with translation.override(DOCUMENT_LANGUAGE):
        place = county.name if county is not None else _("Tacheng Prefecture")
        return _("%(place)s Human Resources and Social Security Bureau") % {"place": place}


def _common(*, verification_code: str, issued_on: date, county: Any | None) -> dict[str, Any]:
    url = verify_url(verification_code)
    return {
        "verification_code": verification_code,
        "verify_url": url,
        "qr": qr_data_uri(url),
        "issued_on": issued_on,
        "office": issuing_office(county),
    }


def case_reference(case: Case) -> str:
    return case.reference or ""


def kind_clause(kind: str) -> str:
    """The clause a notice of this kind of case is decided under, from the kinds table: （七） for a training
    subsidy, （九） for a registration or a recognition, never （一） unless the case is a refund or a hardship
    recognition."""
    return clause(rules_for(kind).clause)


def list_clause(notice: PublicNotice) -> str:
    """The clause of a published list: that of the kinds whose approvals it publishes."""
    kinds = kinds_where(lambda rules: rules.published_as == notice.kind)
    return kind_clause(kinds[0]) if kinds else REFUND_CLAUSE


def approval_notice_context(*, case: Case, verification_code: str, issued_on: date) -> dict[str, Any]:
    amount = case.approved_amount
    calculation = case.calculation or {}
    is_refund = case.kind == CaseKind.STABLE_JOB_REFUND
    # Every line of the calculation (the premium base and the months paid too): the notice shows how the calculated
    # amount came about, and beside it, when they differ, the amount approved and why.
    breakdown = list(calculation.get("breakdown", []))
    calculated = case.calculated_amount
    own_clause = kind_clause(case.kind)
    context = {
        "case": case,
        "reference": case_reference(case),
        "enterprise": case.enterprise,
        "person": case.person,
        "is_refund": is_refund,
        "kind_label": CaseKind(case.kind).label,
        "track_label": Track(case.track).label if case.track else "",
        "amount": amount,
        "amount_figures": format_yuan(amount) if amount is not None else "",
        "amount_capitals": amount_in_chinese_capitals(amount) if amount is not None else "",
        "calculated_figures": format_yuan(calculated) if calculated is not None and calculated != amount else "",
        "breakdown": breakdown,
        "citations": calculation.get("citations") or [own_clause],
        "clause": own_clause,
        **_common(verification_code=verification_code, issued_on=issued_on, county=case.county),
    }
    with translation.override(DOCUMENT_LANGUAGE):
        context["kind_label"] = str(context["kind_label"])
        context["track_label"] = str(context["track_label"])
    return context


def approval_notice(*, case: Case, verification_code: str, issued_on: date) -> bytes:
    """审批通知书: the approved claim; for the refund the amount in figures and 大写, the breakdown and its clause."""
    context = approval_notice_context(case=case, verification_code=verification_code, issued_on=issued_on)
    return render_pdf("subsidies/pdf/approval_notice.html", context)


def reconsideration_government(county: Any | None) -> str:
    """The people's government at the level of the office that decided: the county's, or the prefecture's."""
    with translation.override(DOCUMENT_LANGUAGE):
        if county is None:
            return _("the Tacheng Prefecture Administrative Office")
        return _("the people's government of %(place)s") % {"place": county.name}


def reconsideration_context(*, county: Any | None, issued_on: date) -> dict[str, Any]:
    """Where the applicant may seek administrative reconsideration, as the parameter in force on the day of the
    notice says (the 2023 revision of the Administrative Reconsideration Law, in force 2024-01-01, sends a county
    department's decision to the county people's government)."""
    try:
        authority = value_in_force("reconsideration.authority", on=issued_on)
    except ParameterNotInForce:
        authority = "same_level_government_or_higher_department"
    return {"reconsideration_authority": authority, "reconsideration_government": reconsideration_government(county)}


def rejection_notice(*, case: Case, verification_code: str, issued_on: date) -> bytes:
    """不予批准通知书: the reasons and how to appeal (行政复议 within 60 days to the body the parameter
    reconsideration.authority names, 行政诉讼 within 6 months)."""
    context = {
        "case": case,
        "reference": case_reference(case),
        "enterprise": case.enterprise,
        "person": case.person,
        "kind_label": str(CaseKind(case.kind).label),
        "reasons": case.decision_reason,
        "clause": kind_clause(case.kind),
        **reconsideration_context(county=case.county, issued_on=issued_on),
        **_common(verification_code=verification_code, issued_on=issued_on, county=case.county),
    }
    with translation.override(DOCUMENT_LANGUAGE):
        context["kind_label"] = str(CaseKind(case.kind).label)
    return render_pdf("subsidies/pdf/rejection_notice.html", context)


def registration_reference(registration: UnemploymentRegistration) -> str:
    return f"DJ-{registration.residence_county.code}-{registration.registered_on.year}-{registration.pk:06d}"


# The languages a registration certificate may be printed in beside Chinese, with the HTML lang attribute of each.
SECOND_LANGUAGES = {"kk-arab": "kk-Arab", "ug": "ug"}


def registration_certificate(
    *, registration: UnemploymentRegistration, verification_code: str, issued_on: date, second_language: str = ""
) -> bytes:
    """就业创业（失业）登记证明 at the place of habitual residence (clause （九）). The ID number is masked.

    second_language (a key of SECOND_LANGUAGES): a bilingual print, each line also in Kazakh or Uyghur, right to left.
    The Chinese text stays the authoritative one, and the verification code and fingerprint are the Chinese
    certificate's (the print says so)."""
    context = {
        "registration": registration,
        "person": registration.person,
        "reference": registration_reference(registration),
        "clause": REGISTRATION_CLAUSE,
        "second_language": second_language if second_language in SECOND_LANGUAGES else "",
        "second_lang": SECOND_LANGUAGES.get(second_language, ""),
        **_common(verification_code=verification_code, issued_on=issued_on, county=registration.residence_county),
    }
    return render_pdf("subsidies/pdf/registration_certificate.html", context)


def public_notice_reference(notice: PublicNotice) -> str:
    year = notice.starts_on.year if notice.starts_on else notice.created_at.year
    return f"GS-{notice.county.code if notice.county else '654200'}-{year}-{notice.pk:06d}"


def public_notice_list(*, notice: PublicNotice, verification_code: str, issued_on: date) -> bytes:
    """The published list (公示) as published: every entry, with its enterprise, reference and amount."""
    entries = list(notice.entries.select_related("case__enterprise", "case__person").order_by("id"))
    rows = []
    for entry in entries:
        case = entry.case
        rows.append(
            {
                "reference": case.reference,
                "name": case.enterprise.name if case.enterprise else "",
                "credit_code": case.enterprise.credit_code if case.enterprise else "",
                "amount_figures": format_yuan(case.approved_amount) if case.approved_amount is not None else "",
            }
        )
    context = {
        "notice": notice,
        "rows": rows,
        "reference": public_notice_reference(notice),
        "clause": list_clause(notice),
        **_common(verification_code=verification_code, issued_on=issued_on, county=notice.county),
    }
    return render_pdf("subsidies/pdf/public_notice_list.html", context)
