"""data/sample-requests.sh must keep working as the CLI evolves (each line is run through the real CLI)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "data" / "sample-requests.sh"


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
def test_sample_requests_log_five_cases(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "dpo-tui"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m dpo_tui "$@"\n')
    shim.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    db = tmp_path / "try.db"
    out = subprocess.run(["sh", str(SCRIPT), "--db", str(db)], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [f"DSAR-2026-000{i}" for i in range(1, 6)]
