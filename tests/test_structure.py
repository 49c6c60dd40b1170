"""The layers import one way: files -> loaders -> store <- queries <- api.

Read from the source itself (every import statement, including those inside
functions), so a new module that breaks the direction fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "credgraph"

FORBIDDEN = {
    "graph": ("credgraph.loaders", "credgraph.queries", "credgraph.api"),
    "loaders": ("credgraph.queries", "credgraph.api"),
    "queries": ("credgraph.loaders", "credgraph.api"),
}
"""Per layer (a folder of credgraph/), the packages its modules must never import."""


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def offending(layer: str) -> list[str]:
    bad: list[str] = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for module in sorted(imported_modules(path)):
            if any(module == f or module.startswith(f + ".") for f in FORBIDDEN[layer]):
                bad.append(f"{path.relative_to(PACKAGE.parent)} imports {module}")
    return bad


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_import_one_way(layer: str) -> None:
    assert offending(layer) == []


def test_nothing_outside_api_imports_api() -> None:
    bad = [
        f"{path.relative_to(PACKAGE.parent)} imports {module}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "api" not in path.relative_to(PACKAGE).parts[:1] and path.name != "cli.py"
        for module in imported_modules(path)
        if module == "credgraph.api" or module.startswith("credgraph.api.")
    ]
    assert bad == []


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    """The scanner itself: an import inside a function is found too."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from credgraph.loaders.normalize import fold\n")
    assert "credgraph.loaders.normalize" in imported_modules(module)
