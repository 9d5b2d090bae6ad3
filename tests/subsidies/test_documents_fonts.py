"""Notices' fonts: two small faces for an ordinary notice; rare characters (生僻字) drawn, the rarest by the full font.

Text read back from a PDF is not enough to show a character was drawn: WeasyPrint maps a character no font has to
an empty glyph and still writes the character in the text layer. So the glyphs are checked in the fonts the PDF
embeds: each character of the name is mapped to a glyph that the embedded font program has, with an outline.
"""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from portal.roles import Role
from registry.models import County
from registry.services import enterprise_register, insurance_year_record, person_register, registration_open
from subsidies import documents, pdf_fonts

ISSUED = date(2019, 6, 3)
SUBSET_FACES = ["Portal-Sans-SC", "Portal-Sans-SC-Bold"]


@pytest.fixture(scope="module", autouse=True)
def built_fonts() -> None:
    """What `make` does before the suite: the subset in static/fonts/ (built here when a bare pytest run finds none)."""
    if len(pdf_fonts.built_faces()) < len(pdf_fonts.FACES):
        call_command("build_pdf_fonts", if_missing=True)
        documents.renderer_release()  # a process that rendered before the build declared no subset face


def squeeze(text: str) -> str:
    return "".join(text.split())


def text_pypdf(pdf: bytes) -> str:
    return squeeze("".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages))


def text_poppler(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, timeout=60)
    return squeeze(out.stdout.decode())


def pdffonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, str, str]]:
    """(name without the subset tag, embedded, subset) of each font, as poppler's pdffonts lists them."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, timeout=60).stdout.decode()
    rows = []
    for line in out.splitlines()[2:]:
        columns = line.split()
        # name, type (one to three words), encoding, emb, sub, uni, object id, generation
        rows.append((columns[0].split("+", 1)[-1], columns[-5], columns[-4]))
    return rows


def drawn_characters(pdf: bytes) -> dict[str, list[str]]:
    """For every embedded font, the characters its ToUnicode map names whose glyph the font program draws (a glyph
    that exists in it, is not .notdef, and has an outline)."""
    drawn: dict[str, list[str]] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            name = str(font["/BaseFont"]).split("+", 1)[-1]
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            program = next(descriptor[key] for key in ("/FontFile3", "/FontFile2") if key in descriptor)
            ttfont = TTFont(io.BytesIO(program.get_object().get_data()))
            glyph_order = ttfont.getGlyphOrder()
            glyph_set = ttfont.getGlyphSet()
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for gid_hex, text_hex in re.findall(r"<([0-9a-fA-F]{4})> <([0-9a-fA-F]+)>", cmap):
                gid = int(gid_hex, 16)
                text = bytes.fromhex(text_hex).decode("utf-16-be")
                if gid == 0 or gid >= len(glyph_order):
                    continue
                pen = BoundsPen(glyph_set)
                glyph_set[glyph_order[gid]].draw(pen)
                if pen.bounds is not None:
                    drawn.setdefault(name, []).append(text)
    return drawn


def registration_certificate_for(name: str, officer) -> bytes:  # type: ignore[no-untyped-def]
    tacheng = County.objects.get(code="654201")
    person = person_register(name=name, id_number="654201198503150018", residence_county=tacheng, actor=officer)
    registration = registration_open(person=person, residence_county=tacheng, registered_on=ISSUED, actor=officer)
    return documents.registration_certificate(
        registration=registration, verification_code="ABCDEFGHJK", issued_on=ISSUED
    )


@pytest.mark.django_db
def test_it_embeds_only_the_two_subset_faces_in_an_ordinary_approval_notice(
    make_user, caseworker, officer, tmp_path, approve_refund
) -> None:
    case = approve_refund(make_user(Role.ENTERPRISE_APPLICANT), caseworker, officer)
    pdf = documents.approval_notice(case=case, verification_code="ABCDEFGHJK", issued_on=ISSUED)
    fonts = pdffonts(pdf, tmp_path)
    assert sorted(name for name, _emb, _sub in fonts) == SUBSET_FACES
    assert all(emb == "yes" and sub == "yes" for _name, emb, sub in fonts)
    # Issue 17's aim for the approval notice; it was 462 KiB with three whole-CJK faces.
    assert len(pdf) <= 120 * 1024
    # Everything it said before is still there and extractable.
    flat = text_poppler(pdf, tmp_path)
    for wanted in [case.enterprise.name, "¥24,000.00", "贰万肆仟元整", "塔行发〔2019〕16号（一）", "ABCDEFGHJK"]:
        assert squeeze(wanted) in flat, wanted


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["李䶮", "𠮷野", "王玥喆", "阿依古丽·买买提"])
def test_a_name_with_rare_characters_is_drawn_and_reads_back(name: str, officer, tmp_path) -> None:
    """玥 and 喆 (GBK, not GB 2312) and 䶮 (Extension A) are in the portal's faces; 𠮷 (Extension B) is not, and is
    drawn from the full Noto Sans CJK SC."""
    pdf = registration_certificate_for(name, officer)
    assert name in text_pypdf(pdf)
    assert name in text_poppler(pdf, tmp_path)
    drawn = drawn_characters(pdf)
    everything_drawn = {ch for characters in drawn.values() for ch in characters}
    for character in name:
        assert character in everything_drawn, f"{character} is not drawn by any embedded font"
    rare = [ch for ch in name if ord(ch) not in pdf_fonts.subset_characters()]
    for character in rare:
        assert character in drawn.get(pdf_fonts.FALLBACK_FAMILY.replace(" ", "-"), []), character


@pytest.mark.django_db
def test_an_enterprise_with_a_rare_character_gets_its_notice_in_full(
    make_user, caseworker, officer, tmp_path, submit_refund, claim_and_approve
) -> None:
    enterprise = enterprise_register(
        credit_code="91654201312345673Q",
        name="塔城𠮷野䶮商贸有限公司",
        county=County.objects.get(code="654201"),
        size_class="small",
        actor=officer,
    )
    insurance_year_record(
        enterprise=enterprise,
        year=2018,
        actor=officer,
        insured_at_start=40,
        insured_at_end=39,
        retired_or_deceased=1,
        ui_premiums_paid=Decimal("48000.00"),
        ui_months_paid_in_full=12,
        monthly_social_insurance_due=Decimal("30000"),
    )
    case = claim_and_approve(submit_refund(make_user(Role.ENTERPRISE_APPLICANT), enterprise), caseworker)
    pdf = documents.approval_notice(case=case, verification_code="ABCDEFGHJK", issued_on=ISSUED)
    flat = text_poppler(pdf, tmp_path)
    for wanted in ["塔城𠮷野䶮商贸有限公司", "¥24,000.00", "贰万肆仟元整", "ABCDEFGHJK"]:
        assert wanted in flat, wanted
    drawn = {ch for characters in drawn_characters(pdf).values() for ch in characters}
    assert {"𠮷", "䶮"} <= drawn


@pytest.mark.django_db
def test_a_notice_renders_to_the_same_bytes_after_other_notices_in_the_same_process(
    make_user, caseworker, officer, approve_refund
) -> None:
    """The font configuration is shared by every render of a worker process: nothing of one notice (its rare
    characters, its glyphs) leaks into the next."""
    case = approve_refund(make_user(Role.ENTERPRISE_APPLICANT), caseworker, officer)
    first = documents.approval_notice(case=case, verification_code="ABCDEFGHJK", issued_on=ISSUED)
    registration_certificate_for("李䶮", officer)
    again = documents.approval_notice(case=case, verification_code="ABCDEFGHJK", issued_on=ISSUED)
    assert first == again


def test_the_faces_cover_every_hanzi_of_the_basic_plane_and_the_notices_punctuation() -> None:
    characters = pdf_fonts.subset_characters()
    assert all(ch in characters for ch in range(0x4E00, 0xA000))  # GB 2312, GBK and the rest of the block
    for character in "¥·〔〕（）：；，。、《》“”—0123456789ABCDEFGHJKLMNPQRSTUVWXYZ塔城稳岗返还壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整":  # noqa: E501
        assert ord(character) in characters, character
    assert ord("䶮") in characters and ord("𠮷") not in characters


def test_the_built_faces_are_truetype_named_as_a_modified_version_and_cover_the_hanzi() -> None:
    """The SIL Open Font License lets the cut faces be shipped renamed; they keep the copyright and the licence."""
    for face in pdf_fonts.FACES:
        font = TTFont(face.path)
        names = font["name"]
        assert names.getDebugName(16) == pdf_fonts.FAMILY
        assert "Adobe" in (names.getDebugName(0) or "")
        assert "Open Font License" in (names.getDebugName(13) or "")
        assert "glyf" in font and "CFF " not in font
        covered = set(font.getBestCmap())
        assert {ord("塔"), ord("¥"), ord("玥"), ord("䶮")} <= covered
        assert len(covered & pdf_fonts.subset_characters()) > 27000
