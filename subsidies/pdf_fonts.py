"""The notices' own fonts: Debian's Noto Sans CJK SC cut down and turned into TrueType at build time.

Why: WeasyPrint embeds a subset of every face a PDF uses, but keeps each glyph's id, and in a CFF (OpenType/PostScript)
font every glyph id up to the last one used still costs an entry in the charset and the CharStrings index, which
compress badly: Noto CJK has 65,535 glyphs, so each embedded face carried about 110 KiB of empty glyph slots, three
faces (serif, serif bold, sans) made a 462 KiB notice, and desubroutinising the CFF made most of the render time. In a
TrueType font an empty slot is a repeated loca offset and a zero width, which compress to almost nothing. So each face
is cut down once to the hanzi (CJK Unified Ideographs, Extension A and the compatibility ideographs: everything GBK
has, and more), GB 2312's symbols, ASCII, Latin-1 (¥, ·) and CJK and full-width punctuation, and its outlines are
converted to quadratic curves (within one font unit); a notice then embeds two small faces, regular and bold.

Nothing is lost: the stylesheet names "Noto Sans CJK SC" after "Portal Sans SC", so a character outside the cut
(Extension B and beyond, such as 𠮷 in 𠮷野) is drawn from the full Debian font; only that notice is larger.

Rebuilt by `make` (target `fonts`, a prerequisite of `make run`, `make test` and `make bench`) or
`manage.py build_pdf_fonts` (subsidies/management/commands/) from Debian's fonts-noto-cjk, in about a minute of CPU;
the files (about 9 MB each) are not kept in git (`static/fonts/.gitignore`). Without them the notices are still
correct, drawn from the Debian font directly, only larger and slower.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FAMILY = "Portal Sans SC"
# The full font every character outside the subset falls back to (Debian fonts-noto-cjk).
FALLBACK_FAMILY = "Noto Sans CJK SC"
FONT_STACK = f'"{FAMILY}", "{FALLBACK_FAMILY}", sans-serif'
FONT_DIR = Path(__file__).resolve().parents[1] / "static" / "fonts"
STATIC_PREFIX = "fonts/"  # under STATIC_URL


@dataclass(frozen=True)
class Face:
    weight: str  # CSS font-weight
    source_file: str  # Debian's collection
    source_name: str  # the face inside it (name ID 4)
    file_name: str  # the subset, in static/fonts/
    full_name: str

    @property
    def path(self) -> Path:
        return FONT_DIR / self.file_name

    @property
    def postscript_name(self) -> str:
        return self.file_name.rsplit(".", 1)[0]


FACES = (
    Face("normal", "NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", "PortalSansSC-Regular.ttf", FAMILY),
    Face("bold", "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC Bold", "PortalSansSC-Bold.ttf", f"{FAMILY} Bold"),
)


def subset_characters() -> set[int]:
    """Every hanzi of the Basic Multilingual Plane, GB 2312's symbols, ASCII, Latin-1, CJK and full-width punctuation
    (what Noto Sans CJK SC has of it)."""
    chars: set[int] = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    for start, end in (
        (0x0020, 0x007F),  # ASCII
        (0x00A0, 0x0100),  # Latin-1: ¥ · ×
        (0x2000, 0x2070),  # general punctuation: — “ ” …
        (0x2150, 0x2190),  # number forms: Ⅰ Ⅱ
        (0x2460, 0x24A0),  # enclosed numbers: ① ②
        (0x3000, 0x3040),  # CJK symbols and punctuation: 、。〔〕《》
        (0xFF00, 0xFFF0),  # full-width forms: （）：；，
        (0x3400, 0x4DC0),  # CJK Unified Ideographs Extension A: 䶮
        (0x4E00, 0xA000),  # CJK Unified Ideographs: GB 2312, GBK (玥 喆 堃) and the rest
        (0xF900, 0xFB00),  # CJK Compatibility Ideographs
    ):
        chars.update(range(start, end))
    return chars


def built_faces() -> list[Face]:
    """The faces whose subset is on disk (all of them after `make`; none on a checkout nobody built)."""
    return [face for face in FACES if face.path.is_file()]
