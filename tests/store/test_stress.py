"""Issues 12 and 13: a short run of benchmarks/stress.py in the suite. Small N so it takes seconds; it asserts on the
figures the script prints (nothing lost, nothing half-applied, no unhandled exception, the chain verifies), never on
timings. The kills are placed by events the writer reports (a flush, the start of a commit), never by sleeping."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "stress.py"


@pytest.fixture(scope="module")
def stress() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dpo_stress", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _clean(report) -> None:  # type: ignore[no-untyped-def]
    assert report.acknowledged > 0, report.lines()
    assert (report.lost, report.half_applied, report.unhandled) == (0, 0, 0), report.lines()
    assert report.audit.startswith("audit trail intact"), report.lines()


def test_writers_on_the_same_cases(stress: ModuleType, db_url: str) -> None:
    report = stress.run_writers(db_url, writers=3, edits=20, cases=3)
    _clean(report)


def test_sigkill_crash_loop_on_sqlite(stress: ModuleType, tmp_path: Path) -> None:
    report = stress.run_crash_loop(tmp_path / "crash.db", kills=12, cases=3)
    _clean(report)
    assert report.kills == 12 and report.integrity == "ok"


@pytest.mark.skipif(os.name != "posix", reason="fork")
def test_multi_process_soak_on_sqlite(stress: ModuleType, tmp_path: Path) -> None:
    report = stress.run_soak(tmp_path / "soak.db", rounds=1, tui=2, cases=3)
    _clean(report)
    assert report.integrity == "ok"
