"""The floor plan holds: shells on top, no import circle, small modules (issue 8).

These read the source tree itself, so a move that breaks the plan fails here first, with the
module named, rather than as a slow or surprising failure somewhere else.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("graph", "service")
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    """Every module of graph/ and service/ by dotted name (packages by their __init__)."""
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if "node_modules" in path.parts or "static" in path.parts:
                continue
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Project modules that `name` imports anywhere in its body (lazy imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from graph import names` imports the module graph.names (its package is only
            # the parent, imported implicitly); `from graph.store import Backend` the package.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            # `from graph.store import Backend` names the package, `from graph import names`
            # the module: take the longest prefix that is a module of ours.
            parts = target.split(".")
            for end in range(len(parts), 0, -1):
                candidate = ".".join(parts[:end])
                if candidate in MODULES:
                    if candidate != name:
                        out.add(candidate)
                    break
    return out


def test_the_tree_has_the_stages() -> None:
    for folder in ("build", "store", "query", "analysis", "cli"):
        assert (REPO / "graph" / folder / "__init__.py").is_file(), folder
    assert (REPO / "graph" / "pipeline.py").is_file()
    assert (REPO / "graph" / "store" / "worker.py").is_file()  # beside the pool that starts it
    # No module shares its name with a data folder or with a module of the other package
    # (errors.py is the one idea each side has: the library's errors, their HTTP mapping).
    top = {p.stem for p in (REPO / "graph").glob("*.py")}
    graph_names = {n.rsplit(".", 1)[-1] for n in MODULES if n.startswith("graph.")}
    service_names = {n.rsplit(".", 1)[-1] for n in MODULES if n.startswith("service.")}
    folders = {p.name for p in (REPO / "graph").iterdir() if p.is_dir()}
    assert not top & folders
    assert graph_names & service_names == {"errors"}, graph_names & service_names


def test_no_import_cycle() -> None:
    g: nx.DiGraph[str] = nx.DiGraph()
    for name, path in MODULES.items():
        g.add_node(name)
        g.add_edges_from((name, target) for target in _imports(name, path))
    cycles = list(nx.simple_cycles(g))
    assert cycles == [], "import cycles: " + "; ".join(" → ".join(c) for c in cycles[:5])


def test_shells_on_top() -> None:
    """Only graph.cli may import service; service never imports the CLI; graph never Flask."""
    for name, path in MODULES.items():
        targets = _imports(name, path)
        if name.startswith("graph") and not name.startswith("graph.cli"):
            assert not [t for t in targets if t.startswith("service")], name
            assert "import flask" not in path.read_text() and "from flask" not in path.read_text()
        if name.startswith("service"):
            assert not [t for t in targets if t.startswith("graph.cli")], name


def test_the_library_imports_without_flask_or_service() -> None:
    """Every graph module but the CLI, imported in a fresh interpreter, leaves both out."""
    library = sorted(n for n in MODULES if n.startswith("graph") and not n.startswith("graph.cli"))
    script = (
        "import importlib, json, sys\n"
        f"for name in {library!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('flask', 'service', 'werkzeug'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert json.loads(done.stdout) == []
    assert len(library) > 20  # the check ran over the library, not over nothing


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name: str) -> None:
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{MODULES[name].relative_to(REPO)} has {lines} lines"


def test_the_pipeline_is_the_one_sequence() -> None:
    """Callers build, validate and publish through graph.pipeline, never by hand."""
    offenders = []
    for path in [*REPO.joinpath("graph").rglob("*.py"), *REPO.joinpath("service").rglob("*.py")]:
        if path.name == "pipeline.py" or "static" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "nquads_bytes(build(" in text or "validate_build(build(" in text:
            offenders.append(str(path.relative_to(REPO)))
    assert offenders == []
