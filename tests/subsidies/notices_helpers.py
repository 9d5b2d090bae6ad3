"""Building blocks for notice tests: a refund case approved, or taken through public notice to final."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone
from pypdf import PdfReader

from subsidies.cases import publication, workflow
from subsidies.models import Case, NoticeListKind
from tests.subsidies.cases_helpers import enterprise, submitted_refund

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def approved_refund(applicant: Any, caseworker: Any, officer: Any, **kwargs: Any) -> Case:
    case = submitted_refund(applicant, enterprise(officer, **kwargs))
    workflow.case_claim(case=case, actor=caseworker)
    return workflow.case_approve(case=case, actor=caseworker)


def finalise(case: Case, officer: Any) -> Case:
    """Publish the approved case for public notice and finalise the list after its period."""
    notice = publication.notice_publish(
        kind=NoticeListKind.REFUND_APPROVALS,
        county=case.county,
        title="2019年度稳岗返还拟批准名单公示",
        starts_on=timezone.localdate(),
        actor=officer,
        cases=[case],
    )
    publication.notice_finalise(notice=notice, actor=officer, today=notice.ends_on + timedelta(days=1))
    case.refresh_from_db()
    return case


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
