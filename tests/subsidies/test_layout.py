"""The house's layout, as rules a new module cannot break unnoticed (docs/adr/0007-measures-and-kinds.md).

- arrows point one way: registry <- subsidies <- portal; the shared workflow (subsidies.cases) imports no measure;
- no module imports another in a circle, and no project import hides inside a function (the way cycles were kept);
- one module per clause with a journey in subsidies/measures/, and one row per kind of case in subsidies.kinds;
- the county rule, each group of states and "recognition in force" are defined once.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from subsidies.cases import rules
from subsidies.kinds import KINDS
from subsidies.models import CaseKind

ROOT = Path(__file__).resolve().parents[2]
APPS = ("registry", "subsidies", "portal")


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _imports(tree: ast.AST, *, top_level: bool) -> list[tuple[str, int]]:
    """(imported project module, line) of the module's own imports (top level) or of those inside functions."""
    nodes = (
        tree.body if top_level else [n for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) for n in ast.walk(f)]
    )
    found = []
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in APPS:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.append((sub if sub in MODULES else node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.split(".")[0] in APPS]
    return found


def _graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[name] = {m for m, _line in _imports(tree, top_level=True) if m in MODULES and m != name}
    return graph


def test_arrows_point_one_way() -> None:
    wrong = []
    for name, targets in _graph().items():
        app = name.split(".")[0]
        for target in targets:
            if APPS.index(target.split(".")[0]) > APPS.index(app):
                wrong.append(f"{name} -> {target}")
    assert wrong == []


def test_the_shared_workflow_imports_no_measure() -> None:
    graph = _graph()
    wrong = [
        f"{name} -> {target}"
        for name, targets in graph.items()
        if name.startswith("subsidies.cases")
        for target in targets
        if target.startswith(("subsidies.measures", "subsidies.kinds"))
    ]
    assert wrong == []


def test_no_module_imports_another_in_a_circle() -> None:
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    # A package's __init__ importing its own submodules is not a cycle between rooms.
    cycles = [c for c in cycles if not all(m.startswith(c[0]) for m in c)]
    assert cycles == []


def test_no_project_import_hides_inside_a_function() -> None:
    hidden = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for module, line in _imports(tree, top_level=False):
            # AppConfig.ready is where Django wants start-up imports (the kinds table, the Celery tasks).
            if not name.endswith(".apps"):
                hidden.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert hidden == []


def test_each_clause_with_a_journey_has_one_measure_module() -> None:
    names = sorted(p.stem for p in (ROOT / "subsidies/measures").glob("m*.py"))
    assert [n[:3] for n in names] == [f"m{i:02d}" for i in range(1, 12)]


def test_the_kinds_table_has_one_row_per_kind_and_is_the_one_installed() -> None:
    assert set(KINDS) == set(CaseKind.values)
    for kind in CaseKind.values:
        assert rules.rules_for(kind) is KINDS[kind]
        assert re.fullmatch(r"（[一二三四五六七八九十]{1,3}）", KINDS[kind].clause)


def test_each_kind_names_functions_of_its_own_clauses_measure() -> None:
    numerals = "一二三四五六七八九十"
    for kind, row in KINDS.items():
        number = numerals.index(row.clause[1]) + 1 if len(row.clause) == 3 else 10 + numerals.index(row.clause[2]) + 1
        for hook in (row.prepare_submit, row.evaluate, row.checks, row.resubmit, row.on_approve, row.on_final):
            if hook is not None:
                assert hook.__module__.startswith(f"subsidies.measures.m{number:02d}_"), (kind, hook.__qualname__)


def _source_lines(pattern: str) -> list[str]:
    regex = re.compile(pattern)
    return [
        f"{path.relative_to(ROOT)}:{n}"
        for path in MODULES.values()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if regex.search(line)
    ]


def test_the_county_rule_is_written_once() -> None:
    comparisons = _source_lines(
        r"(user|actor)\.county_id\s*[!=]=|[!=]=\s*(request\.)?(user|actor)\.county_id"
        r"|county_id=(request\.)?(user|actor)\.county_id|pk=(request\.)?(user|actor)\.county_id"
        r"|has_perm\(VIEW_ALL_COUNTIES\)"
    )
    assert [line for line in comparisons if not line.startswith("registry/access.py")] == []


def test_each_group_of_states_is_defined_once() -> None:
    groups = _source_lines(r"^[A-Z_]+\s*(:[^=]+)?=\s*(\(|\[|\{|frozenset\(\{)\s*(S|CaseState)\.[A-Z_]+")
    assert [line for line in groups if not line.startswith("subsidies/cases/states.py")] == []


# A recognition filtered by a day against its last day: the rule "in force on a day".
IN_FORCE_ON_A_DAY = re.compile(r"DifficultyRecognition\.objects.*ended_on__(gte?|lte?)\b", re.S)


def test_recognition_in_force_is_defined_once() -> None:
    definitions = [
        f"{name}.{node.name}"
        for name, path in MODULES.items()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and IN_FORCE_ON_A_DAY.search(ast.unparse(node))
    ]
    assert definitions == ["registry.services.recognition_in_force"]


def test_no_amount_of_money_is_typed_into_a_view_a_form_or_a_template() -> None:
    """Every amount a page shows comes from the dated parameters (subsidies.catalogue.ParameterText, money_of):
    a typed "1,800 yuan" would stay on the page after the bureau changes the parameter."""
    typed = re.compile(r"\d{1,3}(,\d{3})+ ?(yuan|元)|\b\d+ ?(yuan|元)\b|¥ ?\d")
    places = [p for p in MODULES.values() if p.parts[-2] in ("views", "forms", "workbench", "apply", "services")]
    places += list((ROOT / "templates").rglob("*.html"))
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in places
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if typed.search(line) and "pdf" not in path.parts
    ]
    assert found == []
