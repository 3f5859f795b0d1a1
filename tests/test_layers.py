"""The package's structure: imports only go down the stages, and no module imports itself
back through another (function-level imports included)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import pipeline

PACKAGE = Path(pipeline.__file__).resolve().parent
# From the bottom up; packages on one layer may not import each other.
LAYERS = (
    ("core",),
    ("form", "store"),
    ("accounts",),
    ("ingest", "templates"),
    ("validate",),
    ("consolidate",),
    ("workbook", "appendix"),
    ("outputs",),
    ("forward",),
    ("sample",),
    ("api",),
    ("rounds",),
    ("web",),
    ("cli",),
    ("__main__",),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str) -> set[str]:
    """The ``pipeline`` modules that module ``name`` imports, wherever the import stands."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names if f"{node.module}.{alias.name}" in MODULES)
    return {target for target in found if target in MODULES and target != "pipeline"}


def _stage(module: str) -> str:
    return module.split(".")[1]


def test_every_module_has_a_layer():
    stages = {_stage(m) for m in MODULES if m != "pipeline"}
    assert stages <= set(RANK), f"add {sorted(stages - set(RANK))} to LAYERS"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "pipeline"))
def test_imports_only_go_down(module):
    stage = _stage(module)
    upward = [target for target in _imports(module) if _stage(target) != stage and RANK[_stage(target)] >= RANK[stage]]
    assert not upward, f"{module} imports {upward}: a stage imports only the stages below it"


def test_no_import_cycles():
    graph = {m: _imports(m) for m in MODULES if m != "pipeline"}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*path[path.index(nxt) :], nxt]))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for module in graph:
        if module not in state:
            visit(module)


def test_each_stage_says_what_it_owns_and_may_import():
    for stage in {_stage(m) for m in MODULES if m != "pipeline"}:
        init = PACKAGE / stage / "__init__.py"
        if init.exists():
            doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
            assert "May import" in doc, f"{init}: say what the stage owns and may import"


def test_public_api_names_exist():
    for name in pipeline.__all__:
        assert getattr(pipeline, name) is not None, name


def test_rounds_hand_loaded_inputs_to_the_api():
    """A round gives the library its context and its kept files as they are: it never writes its
    units (or an upload) to a file only for the library to read it back."""
    for path in sorted((PACKAGE / "rounds").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for written in ("units.csv", "write_units", "NamedTemporaryFile", "mkstemp", "TemporaryDirectory"):
            assert written not in text, f"{path.name}: {written}"
