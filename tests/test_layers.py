"""The layers, held by a test that reads the source (an AST import contract, like import-linter's "layers" and
"independence" contracts without the dependency).

- domain imports nothing of dpo_tui above it and does no file I/O (loading regime, template and organisation files
  happens in dpo_tui/loaders.py, beside settings);
- text (the neutraliser of requester text) imports nothing of dpo_tui;
- letters (the templates) imports nothing above it (services, exports, tui, cli);
- services import nothing from tui, cli or exports;
- no two packages import each other (no package circles).

Imports inside `if TYPE_CHECKING:` are for type checkers only and are not counted; imports inside functions are
(they run).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import dpo_tui

ROOT = Path(dpo_tui.__file__).parent

# Calls that read or write files: the domain computes from what it is given.
FILE_IO_CALLS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "iterdir", "glob", "rglob", "files"}


def _part(path: Path) -> str:
    """The top-level part of dpo_tui a file belongs to: 'domain', 'services', 'text' (for text.py), ..."""
    rel = path.relative_to(ROOT)
    return rel.parts[0].removesuffix(".py") if len(rel.parts) > 1 else rel.stem


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except those under `if TYPE_CHECKING:`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _imports(path: Path) -> set[str]:
    """The dpo_tui parts a module imports at run time."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in _runtime_nodes(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names if node.module == "dpo_tui"]
        for name in names:
            bits = name.split(".")
            if bits[0] == "dpo_tui" and len(bits) > 1 and bits[1] not in ENTRY_POINTS:
                out.add(bits[1])
    return out


# The entry points sit on top of everything: `dpo-tui` (launch) opens the queue without loading click and hands any
# other command to the cli, whose own `main` hands back to it (one umask, one fast path). They are not a layer.
ENTRY_POINTS = {"launch", "__main__"}


def _modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if "migrations" not in p.parts and _part(p) not in ENTRY_POINTS)


def _graph() -> dict[str, dict[str, list[str]]]:
    """part -> imported part -> the files that import it."""
    graph: dict[str, dict[str, list[str]]] = {}
    for path in _modules():
        part = _part(path)
        for target in _imports(path):
            if target != part:
                graph.setdefault(part, {}).setdefault(target, []).append(str(path.relative_to(ROOT)))
    return graph


def _offenders(part: str, forbidden: set[str]) -> dict[str, list[str]]:
    return {t: files for t, files in _graph().get(part, {}).items() if t in forbidden}


def test_domain_imports_nothing_above_it() -> None:
    allowed = {"domain"}
    above = {t for t in _graph().get("domain", {})} - allowed
    assert not above, {t: _graph()["domain"][t] for t in above}


def test_domain_does_no_file_io() -> None:
    found = []
    for path in (ROOT / "domain").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in FILE_IO_CALLS:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:80]}")
    assert not found, found


def test_text_and_letters_stay_low() -> None:
    assert not _graph().get("text"), _graph().get("text")
    assert not _offenders("letters", {"services", "exports", "tui", "cli", "demo", "store"})


def test_services_import_nothing_from_tui_cli_or_exports() -> None:
    assert not _offenders("services", {"tui", "cli", "exports", "launch", "demo"})


def test_no_package_circles() -> None:
    graph = {part: set(targets) for part, targets in _graph().items()}
    circles = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                circles.append(" -> ".join(path[path.index(nxt):] + [nxt]))
            elif len(path) < 12:
                visit(nxt, path + [nxt])

    for start in sorted(graph):
        visit(start, [start])
    assert not circles, sorted(set(circles))
