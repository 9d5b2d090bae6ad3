"""A clause of the plan is cited one way in code, templates and data: （七）, with full-width parentheses.

So `grep -rn "（七）"` finds every rule of clause （七）; a citation written another way would hide from it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from subsidies.calculators.base import PLAN, clause

ROOT = Path(__file__).resolve().parents[2]
NUMERAL = "[一二三四五六七八九十]{1,3}"
OTHER_SPELLINGS = [
    re.compile(rf"\({NUMERAL}\)"),  # (七) with ASCII parentheses
    re.compile(rf"clause\(\"{NUMERAL}\"\)"),  # clause("七")
    re.compile(rf"[\"']{NUMERAL}[\"']"),  # a bare "七"
    re.compile(rf"（{NUMERAL}\)|\({NUMERAL}）"),  # mixed parentheses
]


def _sources() -> list[Path]:
    files = []
    for folder in ("portal", "subsidies", "registry", "templates"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".html", ".txt"} and "migrations" not in path.parts:
                files.append(path)
    return files


def test_every_module_cites_clauses_one_way() -> None:
    offending = []
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if any(p.search(line) for p in OTHER_SPELLINGS):
                offending.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offending == []


def test_the_spelling_check_catches_each_other_spelling() -> None:
    for line in ["training (七)", 'CLAUSE = clause("七")', 'Policy("x", "七")', "（七)"]:
        assert any(p.search(line) for p in OTHER_SPELLINGS), line
    assert not any(p.search(line) for p in OTHER_SPELLINGS for line in ['clause("（七）")', "第（七）条"])


def test_a_citation_names_the_plan_and_the_clause() -> None:
    assert clause("（七）") == f"{PLAN}（七）"


@pytest.mark.parametrize("spelling", ["七", "(七)", "（七"])
def test_a_citation_in_another_spelling_is_refused(spelling: str) -> None:
    with pytest.raises(ValueError, match="（一）"):
        clause(spelling)


def test_the_grep_for_clause_seven_finds_its_measure_module_and_calculator() -> None:
    hits = {path.relative_to(ROOT).as_posix() for path in _sources() if "（七）" in path.read_text(encoding="utf-8")}
    assert {"subsidies/measures/m07_training.py", "subsidies/calculators/training.py", "subsidies/kinds.py"} <= hits
