"""What users install is what the tests exercise (issue 11).

A regular `pip install .` crashed on every subcommand because `dpo_tui/cli` used `importlib.util` after a bare
`import importlib`: the editable install that the tests ran under imports `importlib.util` at interpreter start,
so no test could see it. These tests close that gap three ways:
- a static sweep: no module uses a submodule (`pkg.sub.x`) that it did not import itself;
- every command run in a subprocess with `python -I -S`: no site hooks, no editable finder, nothing the test
  environment happens to have imported;
- the built wheel carries every file of the package (templates, TCSS, TOML profiles, migrations).
CI also installs the wheel into a fresh virtual environment and runs `scripts/smoke.sh` from outside the clone.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "dpo_tui"


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _dotted(node: ast.AST) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def _submodules_used_without_import(source: str) -> set[str]:
    tree = ast.parse(source)
    bound: set[str] = set()  # names bound by `import a` / `import a.b` (binds `a`)
    imported: set[str] = set()  # every module this file imports itself, by full name
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname is None:
                    bound.add(alias.name.split(".")[0])
                parts = alias.name.split(".")
                imported.update(".".join(parts[: i + 1]) for i in range(len(parts)))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module)
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
    missing: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        dotted = _dotted(node)
        if dotted is None or dotted.split(".")[0] not in bound:
            continue
        parts = dotted.split(".")
        for i in range(2, len(parts) + 1):
            prefix = ".".join(parts[:i])
            if prefix not in imported and _is_module(prefix):
                missing.add(prefix)
    return missing


def test_no_module_uses_a_submodule_it_did_not_import() -> None:
    problems = {
        str(path.relative_to(ROOT)): sorted(found)
        for path in _modules()
        if (found := _submodules_used_without_import(path.read_text(encoding="utf-8")))
    }
    assert problems == {}, f"import these submodules explicitly: {problems}"


def test_the_sweep_catches_the_importlib_util_crash() -> None:
    assert _submodules_used_without_import("import importlib\nimportlib.util.find_spec('x')\n") == {"importlib.util"}
    assert _submodules_used_without_import("import importlib.util\nimportlib.util.find_spec('x')\n") == set()


# ---- every command, with no help from the test environment --------------------------------------------------------

_BARE = (
    "import sys; sys.path[:0] = {paths!r}; sys.argv = ['dpo-tui', *{args!r}]\n"
    "from dpo_tui.launch import main\n"
    "main()\n"
)


def _bare(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`dpo-tui ARGS` under `python -I -S`: isolated mode and no `site`, so no .pth hook (the editable install's
    finder, which imports importlib.util) runs. The package comes from the source tree, its dependencies from
    site-packages added by hand."""
    paths = [str(ROOT), *site.getsitepackages()]
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "DPO_TUI_CONFIG": str(tmp_path / "config" / "settings.toml")}
    code = _BARE.format(paths=paths, args=args)
    return subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=120)


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result.stdout


def test_every_subcommand_help_runs_bare(tmp_path: Path) -> None:
    from dpo_tui.cli import COMMANDS

    listing = _ok(_bare(["--help"], tmp_path))
    for name in COMMANDS:
        assert name in listing
    # One process for every subcommand's --help: each imports its own module, as a user's first call would.
    script = (
        "import sys; sys.path[:0] = {paths!r}\n"
        "from dpo_tui.cli import COMMANDS, cli\n"
        "for name in COMMANDS:\n"
        "    try:\n"
        "        cli.main(args=[name, '--help'], prog_name='dpo-tui', standalone_mode=False)\n"
        "    except SystemExit as exc:\n"
        "        assert not exc.code, name\n"
    ).format(paths=[str(ROOT), *site.getsitepackages()])
    result = subprocess.run([sys.executable, "-I", "-S", "-c", script], capture_output=True, text=True, timeout=120,
                            cwd=tmp_path, env={"HOME": str(tmp_path), "DPO_TUI_CONFIG": str(tmp_path / "s.toml")})
    _ok(result)


def test_casework_commands_run_bare(tmp_path: Path) -> None:
    db = str(tmp_path / "cases.db")
    out = _ok(_bare(["--db", db, "new", "--name", "Ana Lopez", "--email", "ana@example.com", "--rights",
                     "access", "--received", "2026-11-20", "--json"], tmp_path))
    ref = json.loads(out)["ref"]
    assert ref in _ok(_bare(["--db", db, "cases"], tmp_path))
    assert "Due:" in _ok(_bare(["--db", db, "show", ref], tmp_path))
    assert "intact" in _ok(_bare(["--db", db, "audit", "verify"], tmp_path))
    assert "Due:" in _ok(_bare(["deadline", "2026-01-31"], tmp_path))
    assert ref in _ok(_bare(["--db", db, "letter", ref, "acknowledgement"], tmp_path))
    _ok(_bare(["--db", db, "export", ref, "--format", "html", "-o", str(tmp_path / "out")], tmp_path))
    _ok(_bare(["--db", db, "register", "--format", "csv"], tmp_path))
    _ok(_bare(["--db", db, "report"], tmp_path))
    _ok(_bare(["config", "check"], tmp_path))


# ---- the wheel ------------------------------------------------------------------------------------------------------


def test_the_wheel_carries_every_file_of_the_package(tmp_path: Path) -> None:
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    if build.returncode != 0 and "No module named" in build.stderr:
        pytest.skip(f"cannot build a wheel here: {build.stderr.strip().splitlines()[-1]}")
    assert build.returncode == 0, build.stderr
    (wheel,) = tmp_path.glob("dpo_tui-*.whl")
    in_wheel = {n for n in zipfile.ZipFile(wheel).namelist() if n.startswith("dpo_tui/")}
    on_disk = {
        str(p.relative_to(ROOT))
        for p in PACKAGE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc")
    }
    assert on_disk - in_wheel == set(), "files missing from the wheel: add them to package-data in pyproject.toml"
