"""The notices' own fonts: a subset of Debian's Noto Sans CJK SC, built at build time, with the full font behind it.

Why: WeasyPrint embeds a subset of every face a PDF uses, but keeps each glyph's id. Noto CJK has 65,535 glyphs and
the common hanzi sit high in it, so every embedded face still carries glyph tables 60,000 entries long (about 150 KiB
each, compressed). Here the faces are cut down once to GB 2312 (the 6,763 hanzi of names and addresses in everyday
use), ASCII, Latin-1 (¥, ·) and CJK and full-width punctuation, about 7,900 glyphs, so a notice embeds two small
faces (regular and bold) instead of three large ones.

Nothing is lost: the stylesheet names "Noto Sans CJK SC" after "Portal Sans SC", so a character outside the subset
(a rare name such as 李䶮 or 𠮷野) is drawn from the full Debian font; only that notice is larger.

Rebuilt by `make` (target `fonts`, run by `make run`, `make test` and `make bench`) or
`manage.py build_pdf_fonts` from Debian's fonts-noto-cjk; the files are not kept in git (`static/fonts/.gitignore`).
Without them the notices are still correct, drawn from the Debian font directly, only larger.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

FAMILY = "Portal Sans SC"
# The full font every character outside the subset falls back to (Debian fonts-noto-cjk).
FALLBACK_FAMILY = "Noto Sans CJK SC"
FONT_STACK = f'"{FAMILY}", "{FALLBACK_FAMILY}", sans-serif'
FONT_DIR = Path(__file__).resolve().parents[1] / "static" / "fonts"
STATIC_PREFIX = "fonts/"  # under STATIC_URL
DEBIAN_FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"),)


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
    Face("normal", "NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", "PortalSansSC-Regular.otf", FAMILY),
    Face("bold", "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC Bold", "PortalSansSC-Bold.otf", f"{FAMILY} Bold"),
)


def subset_characters() -> set[int]:
    """GB 2312 (every hanzi and symbol of it), ASCII, Latin-1, general, CJK and full-width punctuation."""
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
    ):
        chars.update(range(start, end))
    return chars


def built_faces() -> list[Face]:
    """The faces whose subset is on disk (all of them after `make`; none on a checkout nobody built)."""
    return [face for face in FACES if face.path.is_file()]


def debian_font(face: Face) -> tuple[Path, int]:
    """Debian's collection holding the face, and the face's index in it."""
    from fontTools.ttLib import TTCollection

    candidates = [folder / face.source_file for folder in DEBIAN_FONT_DIRS]
    candidates += sorted(Path("/usr/share/fonts").glob(f"**/{face.source_file}"))
    for path in candidates:
        if not path.is_file() or path.suffix.lower() != ".ttc":
            continue
        collection = TTCollection(path, lazy=True)
        for index, font in enumerate(collection.fonts):
            if font["name"].getDebugName(4) == face.source_name:
                return path, index
    raise FileNotFoundError(f"{face.source_name} not found: install Debian's fonts-noto-cjk.")


def build_face(face: Face, *, out_dir: Path | None = None) -> Path:
    """Cut the Debian face down to `subset_characters()`, rename it (it is a modified version) and save it."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # its INFO lists every glyph kept
    source, index = debian_font(face)
    font = TTFont(source, fontNumber=index, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = []  # WeasyPrint drops GSUB/GPOS from what it embeds anyway
    options.drop_tables += ["GSUB", "GPOS", "BASE", "VORG", "vhea", "vmtx"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14, 16, 17]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset_characters())
    subsetter.subset(font)
    names = font["name"]
    style = "Bold" if face.weight == "bold" else "Regular"
    for name_id, value in (
        (1, FAMILY),
        (2, style),
        (3, f"{face.postscript_name};subset of {face.source_name}"),
        (4, face.full_name),
        (6, face.postscript_name),
        (10, f"Subset of {face.source_name} (GB 2312 and punctuation) for the portal's PDF notices."),
        (16, FAMILY),
        (17, style),
    ):
        names.setName(value, name_id, 3, 1, 0x409)
        names.removeNames(nameID=name_id, platformID=1)
    if "CFF " in font:
        font["CFF "].cff.fontNames = [face.postscript_name]
    target = (out_dir or FONT_DIR) / face.file_name
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    font.save(partial)
    partial.replace(target)  # a render never sees half a file
    return target


def build(*, out_dir: Path | None = None) -> list[Path]:
    return [build_face(face, out_dir=out_dir) for face in FACES]
