"""Translations: the Chinese catalogue is complete and the committed .mo files match their .po files.

Kazakh (Arabic script, locale kk_Arab) and Uyghur are checked page by page on the paths they cover
(tests/portal/test_languages.py, tests/e2e/test_resident_languages.py)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def test_there_are_chinese_english_kazakh_and_uyghur_catalogues() -> None:
    assert {p.parts[-3] for p in CATALOGUES} == {"zh_Hans", "en", "kk_Arab", "ug"}


def test_every_message_has_a_chinese_translation() -> None:
    catalogue = polib.pofile(str(LOCALE / "zh_Hans/LC_MESSAGES/django.po"))
    missing = [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert missing == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-3])
def test_the_compiled_catalogue_is_current(po: Path, tmp_path: Path) -> None:
    assert shutil.which("msgfmt"), "gettext is not installed (make test installs it)"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)
    assert fresh.read_bytes() == po.with_suffix(".mo").read_bytes(), f"run `make messages` and commit {po.parent}"
