"""`manage.py build_pdf_fonts`: cut Debian's Noto Sans CJK SC down to the notices' subset in static/fonts/.

Run by `make` (target `fonts`); see subsidies/pdf_fonts.py for why and what is kept.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from subsidies import pdf_fonts


class Command(BaseCommand):
    help = "Build the notices' font subset (static/fonts/) from Debian's fonts-noto-cjk."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-missing", action="store_true", help="Only build the faces whose file is not there yet."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for face in pdf_fonts.FACES:
            if options["if_missing"] and face.path.is_file():
                continue
            try:
                path = pdf_fonts.build_face(face)
            except FileNotFoundError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{path.relative_to(pdf_fonts.FONT_DIR.parents[1])}: {path.stat().st_size // 1024} KiB")
