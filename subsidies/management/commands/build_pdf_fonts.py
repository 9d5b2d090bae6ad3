"""`manage.py build_pdf_fonts`: cut Debian's Noto Sans CJK SC down to the notices' faces in static/fonts/, as TrueType.

Run by `make` (target `fonts`); subsidies/pdf_fonts.py says why and what is kept. About a minute of CPU.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

from subsidies import pdf_fonts
from subsidies.pdf_fonts import FAMILY, Face

DEBIAN_FONT_DIR = Path("/usr/share/fonts/opentype/noto")


class Command(BaseCommand):
    help = "Build the notices' fonts (static/fonts/) from Debian's fonts-noto-cjk."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-missing", action="store_true", help="Only build the faces whose file is not there yet."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        logging.getLogger("fontTools").setLevel(logging.WARNING)  # its INFO lists every glyph kept
        for face in pdf_fonts.FACES:
            if options["if_missing"] and face.path.is_file():
                continue
            try:
                path = build_face(face)
            except FileNotFoundError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"static/fonts/{path.name}: {path.stat().st_size // 1024} KiB")


def debian_font(face: Face) -> tuple[Path, int]:
    """Debian's collection holding the face, and the face's index in it."""
    candidates = [DEBIAN_FONT_DIR / face.source_file]
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
    """Cut the Debian face down to `pdf_fonts.subset_characters()`, make it TrueType, rename it (a modified version
    may not keep the original's name under the SIL Open Font License) and save it."""
    source, index = debian_font(face)
    font = TTFont(source, fontNumber=index, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = []  # WeasyPrint drops GSUB/GPOS from what it embeds anyway
    options.drop_tables += ["GSUB", "GPOS", "BASE", "VORG", "vhea", "vmtx"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14, 16, 17]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=pdf_fonts.subset_characters())
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
    to_truetype(font)
    target = (out_dir or pdf_fonts.FONT_DIR) / face.file_name
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    font.save(partial)
    partial.replace(target)  # a render never sees half a file
    return target


def to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines by TrueType ones (cubic curves turned quadratic within one font unit, contours
    reversed to TrueType's direction), in place."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
        "maxComponentDepth",
    ):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names
    font.sfntVersion = "\x00\x01\x00\x00"
