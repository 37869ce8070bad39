"""The package's layout keeps its pipeline: no module imports a later stage (docs/architecture.md).

Stages, lowest first: contract → rulebook → deciding → proving → review → cases | plan → the
entry points at the top (cli, pytest_plugin, testing, the `service` subpackage, the package
itself). `cases` and `plan` are siblings and may not import each other. durable_rules is imported
by `deciding.engine` alone, the web framework and server by the two service modules that need the
`service` extra, and the test-only libraries only by the modules that serve tests (or none).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import enforcement_rules

PACKAGE = Path(enforcement_rules.__file__).parent
STAGES = {"contract": 1, "rulebook": 2, "deciding": 3, "proving": 4, "review": 5}
SIBLINGS = {"cases": 6, "plan": 6}
TOP = 7
#: Subpackages on top of the stack, beside the entry-point modules.
TOP_PACKAGES = {"service"}
#: Third-party imports only some modules may make.
RESTRICTED = {
    "durable": {"deciding.engine"},
    "hypothesis": {"proving.toolkit"},
    "pytest": {"pytest_plugin"},
    "starlette": {"service.app"},
    "uvicorn": {"service.server"},
    "httpx": set(),
    "schemathesis": set(),
    "playwright": set(),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def stage(module: str) -> int:
    first = module.split(".")[0] if module else ""
    if first in STAGES:
        return STAGES[first]
    if first in SIBLINGS:
        return SIBLINGS[first]
    return TOP


def imports(path: Path, module: str) -> list[tuple[str, int]]:
    """(imported module: `.inner` for the package's own, else its dotted name; line)."""
    tree = ast.parse(path.read_text("utf-8"))
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
                found.append(("." + target, node.lineno))
            elif node.module:
                found.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def layout_problems(path: Path, module: str) -> list[str]:
    own = stage(module)
    problems = []
    for target, line in imports(path, module):
        inner = target[1:] if target.startswith(".") else None
        if inner is None and target.startswith("enforcement_rules"):
            inner = target.removeprefix("enforcement_rules").lstrip(".")
        if inner is not None:
            theirs = stage(inner)
            sibling = (
                own == theirs
                and own in SIBLINGS.values()
                and inner.split(".")[0] != module.split(".")[0]
            )
            if theirs > own or sibling:
                problems.append(f"line {line}: {module or 'package'} imports {inner}")
            continue
        top = target.split(".")[0]
        allowed = RESTRICTED.get(top)
        if allowed is not None and module not in allowed:
            problems.append(f"line {line}: {module} imports {top} (only {sorted(allowed)})")
    return problems


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p) or "__init__")
def test_no_module_imports_a_later_stage(path: Path) -> None:
    problems = layout_problems(path, module_name(path))
    assert not problems, "\n".join(problems)


def test_every_module_lies_in_a_stage_subpackage_or_is_an_entry_point() -> None:
    top_level = {module_name(path) for path in SOURCES if "." not in module_name(path)}
    expected = {
        "",
        "__main__",
        "cli",
        "pytest_plugin",
        "testing",
        *STAGES,
        *SIBLINGS,
        *TOP_PACKAGES,
    }
    assert top_level <= expected, top_level - expected


@pytest.mark.parametrize("package", [*STAGES, *SIBLINGS, *TOP_PACKAGES])
def test_every_stage_says_its_job_and_what_it_may_import(package: str) -> None:
    doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text("utf-8")))
    assert doc is not None
    assert "may import" in doc, package


def test_the_rule_catches_upward_sibling_and_engine_imports(tmp_path: Path) -> None:
    """The check itself can fail: each kind of breach is reported with its line."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from ..deciding.engine import Engine\n"
        "from enforcement_rules.review import diff\n"
        "import durable.engine\n",
        "utf-8",
    )
    assert layout_problems(probe, "contract.probe") == [
        "line 1: contract.probe imports deciding.engine",
        "line 2: contract.probe imports review",
        "line 3: contract.probe imports durable (only ['deciding.engine'])",
    ]
    sibling = tmp_path / "sibling.py"
    sibling.write_text("from ..plan.report import plan_report\n", "utf-8")
    assert layout_problems(sibling, "cases.sibling") == [
        "line 1: cases.sibling imports plan.report"
    ]
