"""The layout keeps its promises (docs/architecture.md): the module map matches the tree, imports
point one way, nothing on the production path imports the demo, no import circles, no module over
600 lines, and the packaged files are where an installed socek looks for them."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import ROOT

FLOWS = ROOT / "flows"
DOC = ROOT / "docs" / "architecture.md"
MAX_LINES = 600

# Layers, lowest first: a module may import its own layer and the layers below, never above.
# The demo sits beside production: only the command line may reach it.
LAYERS = [
    ("foundation", r"flows(\.errors|\.common(\..*)?|\.datasets)?"),
    ("configuration", r"flows\.(config|catalogue)"),
    ("inputs", r"flows\.(intake|sources|quality)(\..*)?"),
    ("warehouse", r"flows\.warehouse(\..*)?"),
    ("outputs", r"flows\.outputs(\..*)?"),
    ("demo", r"flows\.demo(\..*)?"),
    ("pipeline", r"flows\.pipeline"),
    ("nightly", r"flows\.nightly"),
    ("cli", r"flows\.cli"),
]


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(FLOWS.rglob("*.py"))}


def layer_of(name: str) -> int:
    for rank, (_, pattern) in enumerate(LAYERS):
        if re.fullmatch(pattern, name):
            return rank
    raise AssertionError(f"{name} belongs to no layer of tests/test_architecture.py")


def imports_of(path: Path, known: set[str]) -> set[str]:
    """socek modules a module imports (anywhere in it, lazy imports too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("flows")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("flows"):
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in known}
    return {name for name in found if name in known}


def test_the_module_map_names_every_module_and_only_existing_ones():
    named = set(re.findall(r"`(flows/[\w/]+\.py)`", DOC.read_text(encoding="utf-8")))
    tree = {p.relative_to(ROOT).as_posix() for p in FLOWS.rglob("*.py") if p.name != "__init__.py"}
    assert not named - tree, f"docs/architecture.md names modules that do not exist: {sorted(named - tree)}"
    assert not tree - named, f"modules missing from docs/architecture.md: {sorted(tree - named)}"


def test_imports_point_one_way():
    known = modules()
    wrong = []
    for name, path in known.items():
        for imported in imports_of(path, set(known)):
            if layer_of(imported) > layer_of(name) and not (name == "flows.cli" or imported == "flows"):
                wrong.append(f"{name} ({LAYERS[layer_of(name)][0]}) imports {imported} "
                             f"({LAYERS[layer_of(imported)][0]})")
    assert not wrong, "\n".join(wrong)


def test_only_the_command_line_and_the_demo_itself_import_the_demo():
    known = modules()
    importers = sorted(name for name, path in known.items() if not name.startswith("flows.demo")
                       and any(i.startswith("flows.demo") for i in imports_of(path, set(known))))
    assert importers == ["flows.cli"]


def test_the_production_path_loads_no_demo_module():
    code = "import flows.pipeline, flows.nightly, sys; print([m for m in sys.modules if 'demo' in m])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_no_import_circles():
    known = modules()
    graph = {name: imports_of(path, set(known)) - {name} for name, path in known.items()}
    # flows/__init__ is imported by everything as a package; it imports nothing
    graph = {n: {i for i in deps if i != "flows"} for n, deps in graph.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles, cycles


def test_no_module_over_600_lines():
    long = {module_name(p): n for p in FLOWS.rglob("*.py") if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_every_package_is_listed_for_installation():
    """pyproject lists the packages explicitly (sql/ and config/ are mapped into the package), so a
    new package folder must be added there or an installed socek would lack it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(project["tool"]["setuptools"]["packages"])
    packages = {module_name(p) for p in FLOWS.rglob("__init__.py")}
    assert packages <= listed, sorted(packages - listed)
    mapping = project["tool"]["setuptools"]["package-dir"]
    assert (ROOT / mapping["flows.sql"]).is_dir() and (ROOT / mapping["flows.defaults"]).is_dir()
